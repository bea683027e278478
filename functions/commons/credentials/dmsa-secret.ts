// The DMSA client credentials, read from Secrets Manager through Powertools Parameters (cached for
// maxAge; a forced re-read after Procore answers invalid_client picks up a rotated secret).
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import * as z from '../validation/zod';

/** The secret's JSON: `{"client_id": "...", "client_secret": "..."}`. Nothing else is accepted. */
const DmsaSecretSchema = z.strictObject({
  client_id: z.string().check(z.trim(), z.minLength(1, 'client_id must be a non-empty string')),
  client_secret: z.string().check(z.trim(), z.minLength(1, 'client_secret must be a non-empty string')),
});

export interface DmsaCredentials {
  clientId: string;
  clientSecret: string;
}

export interface CredentialsSource {
  get(options?: { forceRefresh?: boolean }): Promise<DmsaCredentials>;
  /** Where the credentials come from, for error messages (e.g. `secret my/dmsa`). Never a value. */
  readonly description?: string;
}

/** A secret that cannot be read or does not hold valid DMSA credentials. The message names the
 * secret and the problem, never a value from it. */
export class DmsaSecretError extends Error {
  override readonly name = 'DmsaSecretError';
  readonly errorClass: 'DmsaSecretInvalid' | 'DmsaSecretUnreadable';
  /** Unreadable for a reason that may pass (throttling, network) → transient; else permanent. */
  readonly kind: 'transient' | 'permanent';
  constructor(
    readonly secretId: string,
    problem: string,
    options: { cause?: unknown; unreadable?: boolean; transient?: boolean } = {},
  ) {
    super(`DMSA secret ${secretId}: ${problem}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorClass = options.unreadable ? 'DmsaSecretUnreadable' : 'DmsaSecretInvalid';
    this.kind = options.transient ? 'transient' : 'permanent';
  }
}

/** Validates a secret string; the error lists which fields are wrong without echoing them. */
export function parseDmsaSecret(secretId: string, secretString: string): DmsaCredentials {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new DmsaSecretError(secretId, 'SecretString is not JSON; expected {"client_id": "...", "client_secret": "..."}');
  }
  const result = DmsaSecretSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unexpected key(s) ${issue.keys.join(', ')}`;
      if (issue.path.length === 0) return issue.code === 'invalid_type' ? 'the value is not a JSON object' : issue.message;
      const where = issue.path.join('.');
      if (issue.code === 'invalid_type') return `${where} is missing or not a ${issue.expected}`;
      return issue.message;
    });
    throw new DmsaSecretError(secretId, `${problems.join('; ')} (expected {"client_id": "...", "client_secret": "..."})`);
  }
  return { clientId: result.data.client_id, clientSecret: result.data.client_secret };
}

// Asking again will not help with these; anything else (throttling, network) may pass.
const PERMANENT_SDK_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
]);

export interface SecretsManagerCredentialsOptions {
  /** How long a read is reused before Secrets Manager is asked again. Default 300 s. */
  maxAgeSeconds?: number;
  /** Defaults to a provider with the standard SDK client (AWS_ENDPOINT_URL reaches a local emulator). */
  provider?: SecretsProvider;
}

export function secretsManagerCredentials(secretId: string, options: SecretsManagerCredentialsOptions = {}): CredentialsSource {
  const provider = options.provider ?? new SecretsProvider();
  const maxAge = options.maxAgeSeconds ?? 300;
  return {
    description: `secret ${secretId}`,
    async get({ forceRefresh = false } = {}) {
      let value: unknown;
      try {
        value = await provider.get(secretId, { maxAge, forceFetch: forceRefresh });
      } catch (error) {
        // The SDK's message names the secret and the failure (not found, access denied), no value.
        const reason = error instanceof Error ? error.message : String(error);
        const sdkName = (error as { cause?: { name?: unknown } }).cause?.name;
        const permanent = typeof sdkName === 'string' && PERMANENT_SDK_ERRORS.has(sdkName);
        throw new DmsaSecretError(secretId, `cannot be read from Secrets Manager: ${reason}`, { cause: error, unreadable: true, transient: !permanent });
      }
      if (typeof value !== 'string') {
        throw new DmsaSecretError(secretId, value === undefined ? 'has no value' : 'holds a binary value; expected a JSON SecretString');
      }
      return parseDmsaSecret(secretId, value);
    },
  };
}
