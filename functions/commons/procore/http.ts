// The one place that talks HTTP (axios). It returns status, headers and body text for every
// answer and turns transport failures into ProcoreErrors built from scratch: axios errors carry
// the request config, Authorization header included, so they are never rethrown or attached.
import axios, { type AxiosInstance, type Method } from 'axios';
import { ProcoreError } from './errors';
import { version } from '../../../package.json';

export const USER_AGENT = `procore-dmsa-connector/${version}`;

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export function createHttp(userAgent: string = USER_AGENT): AxiosInstance {
  return axios.create({
    headers: { 'User-Agent': userAgent, Accept: 'application/json' },
    // Every status is an answer to classify here; the body stays text so plain-text errors survive.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // A redirect would be a misconfigured host; do not carry the bearer token anywhere else.
    maxRedirects: 0,
  });
}

function plainHeaders(headers: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return result;
}

export async function sendHttp(
  http: AxiosInstance,
  request: { method: Method; url: string; label: string; headers?: Record<string, string>; data?: unknown; timeoutMs: number },
): Promise<HttpResult> {
  try {
    const response = await http.request<string>({
      method: request.method,
      url: request.url,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.data === undefined ? {} : { data: request.data }),
      timeout: Math.max(1, Math.floor(request.timeoutMs)),
    });
    return { status: response.status, headers: plainHeaders(response.headers), text: typeof response.data === 'string' ? response.data : '' };
  } catch (error) {
    throw transportError(request.label, error, request.timeoutMs);
  }
}

function transportError(label: string, error: unknown, timeoutMs: number): ProcoreError {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
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
