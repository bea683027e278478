// Authenticates a webhook delivery by the secret header Procore sends (its hook's
// destination_headers). Procore signs nothing (../shared/PROCORE.md "Webhooks"), so the header's value
// is the only proof a delivery came from the hook the connector configured.
// - The expected value lives in Secrets Manager, read through Powertools Parameters as the DMSA
//   secret is (cached per container), and read again at once when a delivery does not match, so a
//   rotated secret is accepted without a redeploy. Forced re-reads are spaced (minRefreshMs): a
//   flood of bad tokens must not become a flood of GetSecretValue calls. A missing AWSPREVIOUS (never
//   rotated) is remembered for the cache age, until the current value changes.
// - Both AWSCURRENT and AWSPREVIOUS are accepted: between a rotation and `webhooks apply` updating
//   the hooks, Procore still sends (and retries) the old value.
// - Comparison is constant-time: both sides are hashed to 32 bytes (equal length, so the length of
//   the secret leaks nothing either) and compared with crypto.timingSafeEqual.
import { createHash, timingSafeEqual } from 'node:crypto';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';

/** The values a delivery may carry; throws when the secret cannot be read. */
export type AcceptedTokens = (options: { forceFetch: boolean }) => Promise<string[]>;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Whether `presented` equals one of `accepted`, in time independent of where they differ. */
export function tokenMatches(presented: string, accepted: readonly string[]): boolean {
  const given = digest(presented);
  let match = false;
  // Every value is compared (no early exit), so the time says nothing about which one matched.
  for (const value of accepted) match = timingSafeEqual(given, digest(value)) || match;
  return match;
}

export interface HeaderTokenVerifierOptions {
  tokens: AcceptedTokens;
  now?: () => number;
  /** Forced re-reads of the secret after a mismatch are at least this far apart. @default 10 s */
  minRefreshMs?: number;
}

export class HeaderTokenVerifier {
  private lastForcedAt = Number.NEGATIVE_INFINITY;
  constructor(private readonly options: HeaderTokenVerifierOptions) {}

  /** True when the header carries the secret; a missing or empty header is never read against it. */
  async verify(presented: string | undefined): Promise<boolean> {
    if (presented === undefined || presented.length === 0) return false;
    if (tokenMatches(presented, await this.options.tokens({ forceFetch: false }))) return true;
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastForcedAt < (this.options.minRefreshMs ?? 10_000)) return false;
    this.lastForcedAt = now;
    return tokenMatches(presented, await this.options.tokens({ forceFetch: true }));
  }
}

/** A secret that is missing, unreadable or holds no usable value: named, never quoted. */
class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

/** The current and previous values of the header secret (a plain SecretString each), cached maxAgeSeconds. */
export function secretsManagerTokens(
  secretId: string,
  options: { maxAgeSeconds?: number; current?: SecretsProvider; previous?: SecretsProvider; now?: () => number } = {},
): AcceptedTokens {
  // Two providers: Powertools caches by secret name alone, whatever VersionStage was asked for.
  const current = options.current ?? new SecretsProvider();
  const previous = options.previous ?? new SecretsProvider();
  const maxAge = options.maxAgeSeconds ?? 300;
  const now = options.now ?? Date.now;
  // Powertools caches values, not failures: a secret never rotated has no AWSPREVIOUS, and every
  // delivery would ask for it again. Its absence is remembered as long as a value is cached, and
  // forgotten at once when the current value changes (a rotation: AWSPREVIOUS now exists).
  let previousAbsentUntil = Number.NEGATIVE_INFINITY;
  let lastCurrent: string | undefined;
  const readPrevious = async (forceFetch: boolean): Promise<unknown> => {
    if (now() < previousAbsentUntil) return undefined;
    // No previous version (never rotated) is normal.
    const value = await previous.get(secretId, { maxAge, forceFetch, sdkOptions: { VersionStage: 'AWSPREVIOUS' } }).catch(() => undefined);
    if (value === undefined) previousAbsentUntil = now() + maxAge * 1000;
    return value;
  };
  return async ({ forceFetch }) => {
    // Both versions asked for at once (a cold start pays one round trip, not two); readPrevious never rejects.
    const previousRead = readPrevious(forceFetch);
    const value = await current.get(secretId, { maxAge, forceFetch }).catch((error: unknown) => {
      throw new WebhookSecretError(`webhook header secret ${secretId} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (typeof value !== 'string' || value.trim().length === 0) throw new WebhookSecretError(`webhook header secret ${secretId} holds no string value`);
    const rotated = lastCurrent !== undefined && value !== lastCurrent;
    lastCurrent = value;
    let before = await previousRead;
    // Rotated while AWSPREVIOUS was remembered absent: it exists now.
    if (rotated && before === undefined) {
      previousAbsentUntil = Number.NEGATIVE_INFINITY;
      before = await readPrevious(forceFetch);
    }
    return typeof before === 'string' && before.trim().length > 0 ? [value, before] : [value];
  };
}
