// The Procore REST client: auth and company headers on every call, per-attempt timeouts inside a
// caller deadline, retries with full-jitter backoff on what may pass (network, 408, 429, 5xx),
// Retry-After / X-Rate-Limit-Reset honoured, pacing shared per container, one token renewal on 401,
// JSON or multipart/form-data bodies as the operation declares, and v1 pagination as an async
// generator (one page in memory at a time) that always ends.
import type { ProcoreEnvironment } from './environments';
import { ProcoreError, procoreErrorFromResponse } from './errors';
import { parseBody } from './error-body';
import { toFormData } from './form-fields';
import { walkPages, type ProcorePage } from './paging';
import { parseExactJson } from '../json/exact-json';

export { hasNextLink, type ProcorePage } from './paging';
import { createHttp, sendHttp, USER_AGENT, type HttpResult, type HttpTransport } from './http';
import { silentLogger, type LoggerLike } from '../observability/logger';
import { sharedRatePacer, type RatePacer } from './rate-pacer';
import { realSleep, retryDelay, systemClock, type BackoffPolicy, type Clock, type Sleep } from './timing';
import type { TokenProvider } from './token-provider';

export type ProcoreMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a write's body is sent as: the types Procore declares per operation (docs/procore-endpoints.tsv). */
export type BodyContentType = 'application/json' | 'multipart/form-data';

export interface ProcoreRequest {
  method: ProcoreMethod;
  /** Path under the API host, e.g. `/rest/v1.0/projects/12/rfis`. */
  path: string;
  /** Sent as Procore-Company-Id on every call (Procore requires it with DMSA tokens). */
  companyId: number;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Default application/json; multipart/form-data sends the body's fields with Rails' nested names. */
  bodyType?: BodyContentType;
  /** Epoch ms; no attempt or wait runs past it. Default now + 60 s. */
  deadline?: number;
  /** Parse a JSON answer keeping integers beyond 2^53 to the digit (as raw JSON values; commons/json/exact-json.ts):
   * list reads whose records travel on, so Procore's 64-bit ids arrive downstream as Procore sent them. */
  exactIntegers?: boolean;
  /** A POST is only retried after an ambiguous failure (timeout, reset, 500/502/504) when the caller
   * says a repeat cannot duplicate anything. Other methods are idempotent in Procore's API. */
  idempotent?: boolean;
}

export interface ProcoreResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
  requestId?: string;
}

/** One HTTP attempt of a Procore call, as the instrumentation hooks see it. */
export interface ProcoreCallInfo {
  method: ProcoreMethod;
  path: string;
  /** 1 for the first attempt of a call, 2 for its first retry, ... */
  attempt: number;
}

/**
 * Optional instrumentation, passed in so the client stays free of Powertools (the CLI uses it bare):
 * the functions wrap each call in an X-Ray subsegment and count rate-limit waits as metrics.
 */
export interface ProcoreClientHooks {
  /** Runs each HTTP attempt (`send`), e.g. inside a tracer subsegment. */
  aroundCall?(call: ProcoreCallInfo, send: () => Promise<HttpResult>): Promise<HttpResult>;
  /** Procore answered 429 and the client waits `delayMs` before the next attempt. */
  onRateLimitWait?(call: ProcoreCallInfo, delayMs: number): void;
}

export interface ProcoreClientDeps {
  environment: ProcoreEnvironment;
  tokens: TokenProvider;
  userAgent?: string;
  /** Per attempt, never past the deadline. Default 15 s. */
  timeoutMs?: number;
  /** Default: the container-wide shared pacer. */
  pacer?: RatePacer;
  logger?: LoggerLike;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Attempts per call, whatever the deadline. Default 8. */
  maxAttempts?: number;
  http?: HttpTransport;
  hooks?: ProcoreClientHooks;
}

const DEFAULT_DEADLINE_MS = 60_000;

export class ProcoreClient {
  readonly stats = { requests: 0, retries: 0, rateLimited: 0 };
  /** Procore's clock minus this client's, from the last answer's Date header. */
  private serverOffsetMs: number | undefined;
  private readonly deps: ProcoreClientDeps;
  private readonly http: HttpTransport;
  private readonly pacer: RatePacer;
  private readonly logger: LoggerLike;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(deps: ProcoreClientDeps) {
    this.deps = deps;
    this.http = deps.http ?? createHttp(deps.userAgent ?? USER_AGENT);
    this.pacer = deps.pacer ?? sharedRatePacer;
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? systemClock;
    this.sleep = deps.sleep ?? realSleep;
    this.random = deps.random ?? Math.random;
  }

  async request<T = unknown>(req: ProcoreRequest): Promise<ProcoreResponse<T>> {
    const deadline = req.deadline ?? this.clock() + DEFAULT_DEADLINE_MS;
    const url = this.url(req);
    const label = `Procore ${req.method} ${req.path}`;
    const maxAttempts = this.deps.maxAttempts ?? 8;
    const multipart = req.bodyType === 'multipart/form-data';
    let renewedAfter401 = false;
    for (let attempt = 0; ; attempt += 1) {
      if (this.clock() >= deadline) {
        throw new ProcoreError({ message: `${label}: deadline passed before an answer`, kind: 'transient', errorClass: 'ProcoreTimeout' });
      }
      const permit = await this.pacer.acquire(deadline);
      let token: string;
      try {
        token = await this.deps.tokens.getToken({ deadline });
      } catch (error) {
        permit.release();
        throw error;
      }
      this.stats.requests += 1;
      let failure: ProcoreError;
      try {
        const send = () =>
          sendHttp(this.http, {
            method: req.method,
            url,
            label,
            headers: {
              Authorization: `Bearer ${token}`,
              'Procore-Company-Id': String(req.companyId),
              // A multipart body's Content-Type (with its boundary) comes from the form itself.
              ...(req.body === undefined || multipart ? {} : { 'Content-Type': 'application/json' }),
            },
            ...(req.body === undefined ? {} : { data: multipart ? toFormData(req.body) : JSON.stringify(req.body) }),
            timeoutMs: Math.min(this.deps.timeoutMs ?? 15_000, deadline - this.clock()),
          });
        const around = this.deps.hooks?.aroundCall;
        const result = await (around ? around({ method: req.method, path: req.path, attempt: attempt + 1 }, send) : send());
        permit.release({ status: result.status, headers: result.headers });
        this.noteServerTime(result.headers.date);
        const body = req.exactIntegers ? parseExactBody(result.text, result.headers['content-type']) : parseBody(result.text, result.headers['content-type']);
        const requestId = result.headers['x-request-id'];
        if (result.status >= 200 && result.status < 300) {
          return { status: result.status, data: body as T, headers: result.headers, ...(requestId === undefined ? {} : { requestId }) };
        }
        if (result.status === 429) this.stats.rateLimited += 1;
        failure = procoreErrorFromResponse({ method: req.method, path: req.path, status: result.status, body, headers: result.headers, now: this.clock() });
        if (result.status === 401) {
          if (!renewedAfter401) {
            // The token expired or was revoked early: renew once and repeat at once.
            renewedAfter401 = true;
            this.deps.tokens.invalidate(token);
            this.logger.info('Procore answered 401; renewing the access token once', { method: req.method, path: req.path, requestId });
            continue;
          }
          throw new ProcoreError({
            message: `${label} answered 401 with a freshly issued token: ${failure.message}`,
            kind: 'permanent',
            errorClass: 'ProcoreAuthError',
            status: 401,
            ...(requestId === undefined ? {} : { requestId }),
          });
        }
      } catch (error) {
        permit.release();
        if (!(error instanceof ProcoreError) || error.errorClass === 'ProcoreAuthError') throw error;
        failure = error;
      }

      if (failure.kind === 'permanent' || !this.mayRepeat(req, failure)) throw failure;
      const now = this.clock();
      const delay = retryDelay({
        attempt,
        now,
        random: this.random,
        ...(failure.retryAt === undefined ? {} : { retryAt: failure.retryAt }),
        ...(this.deps.backoff ? { policy: this.deps.backoff } : {}),
      });
      if (attempt + 1 >= maxAttempts || now + delay >= deadline) throw failure;
      this.stats.retries += 1;
      if (failure.status === 429) this.deps.hooks?.onRateLimitWait?.({ method: req.method, path: req.path, attempt: attempt + 1 }, delay);
      this.logger.warn('Procore call failed; retrying', {
        method: req.method,
        path: req.path,
        errorClass: failure.errorClass,
        status: failure.status,
        requestId: failure.requestId,
        attempt: attempt + 1,
        delayMs: delay,
      });
      await this.sleep(delay);
    }
  }

  /**
   * Pages through a v1 list (`page`/`per_page`), one page in memory at a time, to its end (see
   * paging.ts: Link, Total, a short page; a shift of the list without Total; at most `maxPages`).
   */
  async *pages<T = unknown>(
    req: ProcoreRequest & { perPage: number; startPage?: number; maxPages?: number; knownTotal?: number },
  ): AsyncGenerator<ProcorePage<T>> {
    const { perPage, startPage, maxPages, knownTotal, ...base } = req;
    yield* walkPages<T>({
      label: `Procore ${req.method} ${req.path}`,
      perPage,
      ...(startPage === undefined ? {} : { startPage }),
      ...(maxPages === undefined ? {} : { maxPages }),
      ...(knownTotal === undefined ? {} : { knownTotal }),
      read: (page, size) => this.request<unknown>({ ...base, query: { ...base.query, page, per_page: size } }),
      onShift: ({ page, restartAt }) =>
        this.logger.warn('The list shifted while paging; reading again from an earlier page', { method: req.method, path: req.path, page, restartAt }),
    });
  }

  /**
   * Procore's clock (epoch ms, to the second), as its last answer's Date header gave it and carried
   * forward on this client's clock; undefined before any answer. The clock that writes updated_at.
   */
  serverNow(): number | undefined {
    return this.serverOffsetMs === undefined ? undefined : this.clock() + this.serverOffsetMs;
  }

  private noteServerTime(date: string | undefined): void {
    const serverMs = Date.parse(date ?? '');
    if (!Number.isNaN(serverMs)) this.serverOffsetMs = serverMs - this.clock();
  }

  private url(req: ProcoreRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) params.append(key, String(value));
    }
    const query = params.toString();
    const separator = req.path.includes('?') ? '&' : '?';
    return `${this.deps.environment.apiUrl}${req.path}${query ? separator + query : ''}`;
  }

  /** Whether repeating `req` after `failure` is safe: always for idempotent calls; for a POST only
   * when Procore cannot have acted on it (refused connection, 429, 503). */
  private mayRepeat(req: ProcoreRequest, failure: ProcoreError): boolean {
    if (req.method !== 'POST' || req.idempotent) return true;
    if (failure.status === 429 || failure.status === 503) return true;
    return failure.errorClass === 'ProcoreNetworkError' && (failure.details as { code?: string } | undefined)?.code === 'ECONNREFUSED';
  }
}

/** A JSON answer with integers beyond 2^53 kept to the digit; anything else as parseBody reads it. */
function parseExactBody(text: string, contentType: string | undefined): unknown {
  if (text !== '' && (contentType?.includes('json') || /^\s*[[{]/.test(text))) {
    try {
      return parseExactJson(text);
    } catch {
      // Not JSON after all: parseBody keeps the text.
    }
  }
  return parseBody(text, contentType);
}
