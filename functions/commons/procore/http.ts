// The one place that talks HTTP: Node's own fetch (no HTTP library in the bundle; it kept a
// quarter of each handler's bundle and of its load time). It returns status, headers and body text
// for every answer and turns transport failures into ProcoreErrors built from scratch: the
// underlying errors may carry the request, Authorization header included, so they are never
// rethrown or attached.
import { ProcoreError } from './errors';
import { version } from '../../../package.json';

export const USER_AGENT = `procore-dmsa-connector/${version}`;

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface HttpRequestConfig {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A JSON text or a multipart form (its Content-Type, with the boundary, comes from the form). */
  data?: string | FormData;
  /** Milliseconds for the whole exchange, body included. */
  timeout: number;
}

/** What sends one request: createHttp's, or a test's recorder. Every status is an answer; only transport failures throw. */
export interface HttpTransport {
  request(config: HttpRequestConfig): Promise<{ status: number; headers: Record<string, string>; data: string }>;
}

export function createHttp(userAgent: string = USER_AGENT): HttpTransport {
  return {
    async request(config) {
      const response = await fetch(config.url, {
        method: config.method.toUpperCase(),
        headers: { 'User-Agent': userAgent, Accept: 'application/json', ...config.headers },
        ...(config.data === undefined ? {} : { body: config.data }),
        // A redirect would be a misconfigured host: answered as it is, the bearer token goes nowhere else.
        redirect: 'manual',
        signal: AbortSignal.timeout(config.timeout),
      });
      // The body stays text so plain-text errors survive; header names come lower-cased.
      return { status: response.status, headers: Object.fromEntries(response.headers), data: await response.text() };
    },
  };
}

export async function sendHttp(
  http: HttpTransport,
  request: { method: string; url: string; label: string; headers?: Record<string, string>; data?: string | FormData; timeoutMs: number },
): Promise<HttpResult> {
  try {
    const response = await http.request({
      method: request.method,
      url: request.url,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.data === undefined ? {} : { data: request.data }),
      timeout: Math.max(1, Math.floor(request.timeoutMs)),
    });
    return { status: response.status, headers: response.headers, text: typeof response.data === 'string' ? response.data : '' };
  } catch (error) {
    throw transportError(request.label, error, request.timeoutMs);
  }
}

/** fetch fails with a TypeError whose cause is the socket's error (code ECONNRESET, UND_ERR_SOCKET, ...). */
function transportError(label: string, error: unknown, timeoutMs: number): ProcoreError {
  const cause = (error as { cause?: unknown })?.cause;
  const code = codeOf(error) ?? codeOf(cause);
  const message = [error, cause].flatMap((e) => (e instanceof Error ? [e.message] : [])).join(': ') || String(error);
  const timedOut =
    (error as { name?: unknown })?.name === 'TimeoutError' ||
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    /timeout/i.test(message);
  if (timedOut) {
    return new ProcoreError({
      message: `${label}: no answer within ${Math.round(timeoutMs)} ms`,
      kind: 'transient',
      errorClass: 'ProcoreTimeout',
    });
  }
  return new ProcoreError({
    message: `${label}: connection failed (${code ?? 'network error'}: ${message})`,
    kind: 'transient',
    errorClass: 'ProcoreNetworkError',
    ...(code === undefined ? {} : { details: { code } }),
  });
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
