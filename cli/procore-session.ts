// What every CLI command that talks to Procore shares: a client of its own (the CLI is a separate
// process with its own view of the rate limit), list reads to the end, and errors as safe sentences.
import type { CredentialsSource } from '../functions/commons/credentials/dmsa-secret';
import { ProcoreClient } from '../functions/commons/procore/client';
import { ProcoreEnvironmentSchema } from '../functions/commons/procore/environment-config';
import { resolveProcoreEnvironment, type ProcoreEnvironment } from '../functions/commons/procore/environments';
import { ProcoreError } from '../functions/commons/procore/errors';
import { RatePacer } from '../functions/commons/procore/rate-pacer';
import { TokenProvider } from '../functions/commons/procore/token-provider';
import { UsageError } from './command';

export interface ProcoreSession {
  tokens: TokenProvider;
  client: ProcoreClient;
}

/** `budgetMs`: per Procore call, retries included. */
export function procoreSession(environment: ProcoreEnvironment, credentials: CredentialsSource, budgetMs: number): ProcoreSession {
  const tokens = new TokenProvider({ environment, credentials, defaultBudgetMs: budgetMs });
  return { tokens, client: new ProcoreClient({ environment, tokens, pacer: new RatePacer(), maxAttempts: 3 }) };
}

/** Every item of a v1 list, page by page. */
export async function listAll<T>(
  client: ProcoreClient,
  request: { method: 'GET'; path: string; companyId: number; query?: Record<string, string | number> },
  budget: number,
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of client.pages<T>({ ...request, perPage: 100, deadline: Date.now() + budget })) items.push(...page.items);
  return items;
}

/** An error as one safe sentence (ProcoreError and DmsaSecretError messages never hold secrets). */
export function describe(error: unknown): string {
  if (error instanceof ProcoreError) return `${error.errorClass}: ${error.message}${error.requestId ? ` (request id ${error.requestId})` : ''}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The Procore environment from --environment or --login-url/--api-url, else the stage's. */
export function resolveEnvironment(
  command: string,
  values: { environment?: string | undefined; 'login-url'?: string | undefined; 'api-url'?: string | undefined },
  fromStage: Parameters<typeof resolveProcoreEnvironment>[0] | undefined,
): ProcoreEnvironment {
  const custom = values['login-url'] !== undefined || values['api-url'] !== undefined;
  if (custom && values.environment) throw new UsageError(`${command}: give --environment or --login-url/--api-url, not both`);
  if (!custom && !values.environment) {
    if (fromStage) return resolveProcoreEnvironment(fromStage);
    throw new UsageError(`${command}: say which Procore: --environment production|sandbox|monthly-sandbox, --login-url and --api-url, or --stage S`);
  }
  const parsed = ProcoreEnvironmentSchema.safeParse(
    custom ? { name: 'custom', loginUrl: values['login-url'], apiUrl: values['api-url'] } : { name: values.environment },
  );
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`).join('; ');
    throw new UsageError(
      custom
        ? `${command}: --login-url and --api-url must both be URLs (${problem})`
        : `${command}: --environment must be production, sandbox or monthly-sandbox (got "${values.environment}")`,
    );
  }
  return resolveProcoreEnvironment(parsed.data);
}
