// DMSA access tokens (OAuth 2.0 client credentials) from Procore's login host. One token per
// container, reused until shortly before `expires_in` says it ends; concurrent callers share one
// in-flight request. Neither the token nor the secret ever appears in an error or a log line.
import * as z from '../validation/zod';
import type { CredentialsSource } from '../credentials/dmsa-secret';
import type { ProcoreEnvironment } from './environments';
import { ProcoreError, classifyStatus, retryAtFromHeaders } from './errors';
import { parseBody, summarizeErrorBody } from './error-body';
import { createHttp, sendHttp, type HttpResult, type HttpTransport } from './http';
import { silentLogger, type LoggerLike } from '../observability/logger';
import { realSleep, retryDelay, systemClock, type Clock, type Sleep } from './timing';

const TokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.number().check(z.positive()),
  created_at: z.optional(z.number()),
});

export interface TokenProviderDeps {
  environment: ProcoreEnvironment;
  credentials: CredentialsSource;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  logger?: LoggerLike;
  /** Per attempt. Default 10 s (never past the caller's deadline). */
  timeoutMs?: number;
  /** Renew this long before expiry (capped at half the lifetime). Default 300 s. */
  renewBeforeSeconds?: number;
  /** Used when getToken() is called without a deadline. Default 30 s. */
  defaultBudgetMs?: number;
  http?: HttpTransport;
}

interface CachedToken {
  value: string;
  renewAt: number;
}

export class TokenProvider {
  private readonly deps: TokenProviderDeps;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly logger: LoggerLike;
  private readonly http: HttpTransport;
  private readonly tokenUrl: string;
  private cached: CachedToken | undefined;
  private inFlight: Promise<string> | undefined;
  private requestCount = 0;

  constructor(deps: TokenProviderDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? systemClock;
    this.sleep = deps.sleep ?? realSleep;
    this.random = deps.random ?? Math.random;
    this.logger = deps.logger ?? silentLogger;
    this.http = deps.http ?? createHttp();
    // Tokens come from the login host, never the API host (the JS SDK gets this wrong).
    this.tokenUrl = `${deps.environment.loginUrl}/oauth/token`;
  }

  /** How many token requests went to Procore (for tests and benchmarks). */
  get tokenRequests(): number {
    return this.requestCount;
  }

  async getToken(options: { deadline?: number } = {}): Promise<string> {
    const cached = this.cached;
    if (cached && this.clock() < cached.renewAt) return cached.value;
    this.inFlight ??= this.fetchToken(options.deadline ?? this.clock() + (this.deps.defaultBudgetMs ?? 30_000)).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forget `token` after the API rejected it (401); a newer cached token is kept. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private get source(): string {
    return this.deps.credentials.description ?? 'the configured credentials source';
  }

  private async fetchToken(deadline: number): Promise<string> {
    let credentials = await this.deps.credentials.get();
    let rereadSecret = false;
    for (let attempt = 0; ; attempt += 1) {
      const startedAt = this.clock();
      const remaining = deadline - startedAt;
      if (remaining <= 0) throw this.timeout();
      this.requestCount += 1;
      let result: HttpResult;
      try {
        result = await sendHttp(this.http, {
          method: 'POST',
          url: this.tokenUrl,
          label: 'Procore token request',
          headers: { 'Content-Type': 'application/json' },
          data: JSON.stringify({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }),
          timeoutMs: Math.min(this.deps.timeoutMs ?? 10_000, remaining),
        });
      } catch (error) {
        await this.backoffOrThrow(error as ProcoreError, attempt, deadline);
        continue;
      }

      if (result.status >= 200 && result.status < 300) return this.accept(result.text, startedAt);

      const body = parseBody(result.text, result.headers['content-type']);
      const oauthError = typeof (body as { error?: unknown })?.error === 'string' ? (body as { error: string }).error : undefined;
      const requestId = result.headers['x-request-id'];
      if (oauthError === 'invalid_client' || (result.status === 401 && oauthError === undefined)) {
        if (!rereadSecret) {
          // The secret may have been rotated since we cached it: read it again, try once more.
          rereadSecret = true;
          this.logger.warn('Procore rejected the DMSA client credentials; re-reading the secret', { source: this.source, status: result.status, requestId });
          credentials = await this.deps.credentials.get({ forceRefresh: true });
          continue;
        }
        const error = new ProcoreError({
          message: `Procore rejected the DMSA client credentials from ${this.source}: ${oauthError ?? `HTTP ${result.status}`}`,
          kind: 'permanent',
          errorClass: 'ProcoreAuthError',
          status: result.status,
          requestId,
        });
        this.logger.error(error.message, { source: this.source, status: result.status, requestId });
        throw error;
      }

      const { kind } = classifyStatus(result.status);
      const summary = summarizeErrorBody(body);
      const retryAt = retryAtFromHeaders(result.status, result.headers, this.clock());
      const error = new ProcoreError({
        message: `Procore token request answered ${result.status}${summary.message ? `: ${summary.message}` : ''}`,
        kind,
        errorClass: kind === 'transient' ? classifyStatus(result.status).errorClass : 'ProcoreAuthError',
        status: result.status,
        requestId,
        retryAt,
      });
      if (kind === 'permanent') throw error;
      await this.backoffOrThrow(error, attempt, deadline);
    }
  }

  private accept(text: string, startedAt: number): string {
    let parsed: ReturnType<typeof TokenResponseSchema.safeParse> | undefined;
    try {
      parsed = TokenResponseSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      throw new ProcoreError({
        message: 'Procore token response is not {access_token, expires_in, ...} JSON',
        kind: 'transient',
        errorClass: 'ProcoreInvalidResponse',
      });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    // Measured from when we asked, so the token is renewed before Procore's clock says it ended.
    const marginMs = Math.min((this.deps.renewBeforeSeconds ?? 300) * 1000, lifetimeMs / 2);
    this.cached = { value: parsed.data.access_token, renewAt: startedAt + lifetimeMs - marginMs };
    this.logger.info('Procore access token issued', { expiresInSeconds: parsed.data.expires_in });
    return parsed.data.access_token;
  }

  private async backoffOrThrow(error: ProcoreError, attempt: number, deadline: number): Promise<void> {
    const now = this.clock();
    const delay = retryDelay({ attempt, now, random: this.random, retryAt: error.retryAt });
    if (now + delay >= deadline) throw error;
    this.logger.warn('Procore token request failed; retrying', { errorClass: error.errorClass, status: error.status, attempt: attempt + 1, delayMs: delay });
    await this.sleep(delay);
  }

  private timeout(): ProcoreError {
    return new ProcoreError({ message: 'Procore token request ran out of time', kind: 'transient', errorClass: 'ProcoreTimeout' });
  }
}
