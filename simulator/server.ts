// The HTTP front: one port, /login (OAuth, Procore's login host) and /api (REST, the API host).
// Per request: request id, log entry, latency, rate limit, injected fault, auth, company header,
// Procore's declarations for the operation (functions/commons/procore/declared-operations.ts), then the REST handler.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimClock } from './clock';
import type { DeclaredOperations, RequestShape } from '../functions/commons/procore/declared-operations';
import { FormParamError, nestFormFields } from './form-params';
import { HttpError, notFound } from './http-error';
import { faultLabel, type FaultInjector } from './faults';
import { unauthorized, type OAuthServer } from './oauth';
import type { RateLimiter } from './rate-limit';
import type { RestApi } from './rest';
import type { SimStore } from './store';
import type { Random } from './prng';

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number; // 0 when no response was sent (dropped or hung)
  headers: Record<string, string | undefined>;
  companyId?: string;
  at: number;
  fault?: string;
  /** Set when the request was refused for not being declared for its operation (404, 400, 415). */
  refusal?: { status: number; reason: string; undeclared?: string[] };
  /**
   * A REST write's body as parsed (JSON, or multipart nested as Rails reads it), kept whatever the
   * answer (faults included) so a run can check what each write carried (origin-id-audit.ts).
   * Token requests keep none: their bodies hold the client secret.
   */
  body?: unknown;
}

export interface ServerDeps {
  clock: SimClock;
  oauth: OAuthServer;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  rest: RestApi;
  declared: DeclaredOperations;
  /** Which pagination headers answers keep (a test can switch Total and Link off). */
  pagination: () => { total: boolean; perPage: boolean; link: boolean };
  store: SimStore;
  latency: () => { min: number; max: number } | undefined;
  latencyRandom: Random;
  log: LoggedRequest[];
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class SimulatorServer {
  private readonly server: Server;
  private readonly hung = new Set<ServerResponse>();
  private closed = false;

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) this.send(res, undefined, new HttpError(500, { error: String(err) }));
      });
    });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-request-id', randomUUID());
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = req.method ?? 'GET';
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      headers: flattenHeaders(req),
      companyId: headerValue(req, 'procore-company-id'),
      at: this.deps.clock.now(),
    };
    this.deps.log.push(entry);
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req);
    } catch (err) {
      if (err instanceof HttpError) return this.send(res, entry, err);
      throw err;
    }
    const parsed = settle(parseBody(req, rawBody));
    if (isRestWrite(method, url.pathname)) {
      const read = await parsed;
      if ('value' in read && read.value !== undefined) entry.body = read.value;
    }

    const latency = this.deps.latency();
    if (latency && latency.max > 0) {
      const ms = latency.min + this.deps.latencyRandom() * (latency.max - latency.min);
      await new Promise((r) => setTimeout(r, ms));
    }
    if (this.closed || res.destroyed) return;

    const isLogin = url.pathname.startsWith('/login/');
    const isApi = url.pathname.startsWith('/api/');
    const subPath = isLogin ? url.pathname.slice('/login'.length) : isApi ? url.pathname.slice('/api'.length) : url.pathname;
    const isRest = isApi && subPath.startsWith('/rest/');

    // Rate limits apply to REST calls (the API host), keyed by the client id behind the token.
    let rateHeaders: Record<string, string> = {};
    let limited = false;
    const authCheck = isRest ? this.deps.oauth.check(headerValue(req, 'authorization')) : undefined;
    const rateKey = authCheck ? (authCheck.ok ? authCheck.token.clientId : (authCheck.clientId ?? 'anonymous')) : '';
    if (isRest) {
      const decision = this.deps.rateLimiter.consume(rateKey, this.deps.clock.now());
      rateHeaders = decision.headers;
      limited = !decision.allowed;
    }
    if (limited) {
      return this.send(res, entry, new HttpError(429, { errors: 'Rate limit exceeded' }, rateHeaders));
    }

    const fault = this.deps.faults.draw({ method, path: url.pathname, query: entry.query }, isRest ? 'rest' : isLogin ? 'login' : 'other');
    if (fault) {
      entry.fault = faultLabel(fault);
      switch (fault.kind) {
        case 'drop':
          req.socket.destroy();
          return;
        case 'hang':
          this.hung.add(res);
          res.on('close', () => this.hung.delete(res));
          return;
        case 'rate-limit-burst':
          return this.send(
            res,
            entry,
            new HttpError(429, { errors: 'Rate limit exceeded' }, this.deps.rateLimiter.burstHeaders(rateKey, this.deps.clock.now())),
          );
        case 'server-error': {
          const headers: Record<string, string> = { ...rateHeaders };
          if (fault.status === 503) headers['Retry-After'] = '1';
          return this.send(res, entry, new HttpError(fault.status, { error: 'Service temporarily unavailable (injected fault)' }, headers));
        }
      }
    }

    try {
      if (isLogin) return this.send(res, entry, undefined, 200, this.login(method, subPath, req, await unwrap(parsed)));
      if (!isRest) throw notFound();
      if (!authCheck?.ok) throw unauthorized(authCheck?.reason ?? 'missing bearer token');
      const companyId = this.companyFromHeader(req);
      const hasBody = rawBody.toString('utf8').trim() !== '';
      this.refuseUndeclared(entry, {
        method,
        path: subPath,
        queryParams: url.searchParams.keys(),
        ...(hasBody ? { contentType: headerValue(req, 'content-type') ?? '' } : {}),
      });
      const body = await unwrap(parsed);
      const result = this.deps.rest.handle({ method, path: subPath, url, body, companyId, applicationId: authCheck.token.clientId });
      return this.send(res, entry, undefined, result.status, result.body, { ...rateHeaders, ...result.headers });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return this.send(res, entry, new HttpError(err.status, err.body, { ...rateHeaders, ...err.headers }));
    }
  }

  /** A request its operation does not declare is refused, and the refusal is kept in the request log. */
  private refuseUndeclared(entry: LoggedRequest, request: RequestShape): void {
    const refusal = this.deps.declared.check(request);
    if (!refusal) return;
    entry.refusal = { status: refusal.status, reason: refusal.reason, ...('undeclared' in refusal ? { undeclared: refusal.undeclared } : {}) };
    if (refusal.status === 404) throw notFound(refusal.reason);
    throw new HttpError(refusal.status, { errors: refusal.reason });
  }

  private login(method: string, path: string, req: IncomingMessage, body: unknown): unknown {
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (method === 'POST' && path === '/oauth/token') return this.deps.oauth.issue(fields);
    if (method === 'POST' && path === '/oauth/revoke') return this.deps.oauth.revoke(fields);
    if (method === 'GET' && path === '/oauth/token/info') return this.deps.oauth.info(headerValue(req, 'authorization'));
    throw notFound();
  }

  /** Procore-Company-Id: required on every REST call; the app must be installed in that company. */
  private companyFromHeader(req: IncomingMessage): number {
    const raw = headerValue(req, 'procore-company-id');
    if (raw === undefined || raw.trim() === '') {
      throw new HttpError(400, 'Missing required header: Procore-Company-Id');
    }
    const id = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(id)) {
      throw new HttpError(400, `Invalid Procore-Company-Id header: ${JSON.stringify(raw)}`);
    }
    const company = this.deps.store.company(id);
    if (!company?.installed) throw new HttpError(403, { errors: 'App is not connected to this company' });
    return id;
  }

  private send(
    res: ServerResponse,
    entry: LoggedRequest | undefined,
    error: HttpError | undefined,
    status = 200,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.headersSent) return;
    const finalStatus = error ? error.status : status;
    const finalBody = error ? error.body : body;
    const finalHeaders = error ? error.headers : headers;
    if (entry) entry.status = finalStatus;
    // The answer's Date is Procore's clock (the simulator's, which tests move), as a real server's is.
    res.setHeader('Date', new Date(this.deps.clock.now()).toUTCString());
    const pagination = this.deps.pagination();
    for (const [k, v] of Object.entries(finalHeaders)) {
      const name = k.toLowerCase();
      if (!pagination.total && name === 'total') continue;
      if (!pagination.perPage && name === 'per-page') continue;
      if (!pagination.link && name === 'link') continue;
      res.setHeader(k, v);
    }
    if (finalBody === undefined || finalStatus === 204) {
      res.writeHead(finalStatus).end();
    } else if (typeof finalBody === 'string') {
      res.writeHead(finalStatus, { 'Content-Type': 'text/plain; charset=utf-8' }).end(finalBody);
    } else {
      res.writeHead(finalStatus, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(finalBody));
    }
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function flattenHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(req.headers)) out[name] = headerValue(req, name);
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: 'request body too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A REST call that sends Procore a body to store (not a read, not a token request). */
function isRestWrite(method: string, path: string): boolean {
  return path.startsWith('/api/rest/') && (method === 'POST' || method === 'PATCH' || method === 'PUT');
}

type Settled<T> = { value: T } | { error: unknown };

/** The body is parsed once, up front for the log, and its error (if any) thrown where it always was. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

async function unwrap<T>(settled: Promise<Settled<T>>): Promise<T> {
  const read = await settled;
  if ('error' in read) throw read.error;
  return read.value;
}

/**
 * JSON, form-urlencoded (the token endpoint) or multipart/form-data (nested field names read as
 * Rails reads them); empty → undefined. Which type an operation takes was checked before.
 */
async function parseBody(req: IncomingMessage, raw: Buffer): Promise<unknown> {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  const header = headerValue(req, 'content-type') ?? '';
  const type = header.toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (type.includes('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpError(400, { error: 'The request body is not valid JSON' });
    }
  }
  if (type.includes('multipart/form-data')) return parseMultipart(raw, header);
  throw new HttpError(415, { error: `Unsupported Content-Type ${JSON.stringify(type || '(none)')}` });
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<unknown> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new HttpError(400, { error: 'The request body is not valid multipart/form-data' });
  }
  const fields: [string, string][] = [];
  // A file part is kept by its file name: the simulator stores no files.
  for (const [name, value] of form.entries()) fields.push([name, typeof value === 'string' ? value : value.name]);
  try {
    return nestFormFields(fields);
  } catch (error) {
    if (error instanceof FormParamError) throw new HttpError(400, { error: `multipart field names do not nest: ${error.message}` });
    throw error;
  }
}
