// Small HTTP helpers for the simulator's own tests (plain fetch, nothing from the connector).
import type { ProcoreSimulator } from '../../simulator';

export async function requestToken(sim: ProcoreSimulator, secret = sim.clientSecret): Promise<string> {
  const res = await fetch(`${sim.loginUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: secret }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface ApiCall {
  method?: string;
  /** JSON-encoded unless `form` is given. */
  body?: unknown;
  /** A multipart/form-data body (fetch sets the boundary). */
  form?: FormData;
  /** Overrides the Content-Type fetch would send. */
  contentType?: string;
  companyId?: number | null; // null: omit the header
  token?: string | null; // null: omit Authorization
  signal?: AbortSignal;
}

export interface ApiResult {
  status: number;
  headers: Headers;
  text: string;
  json: any; // bodies vary per call; tests assert their shape
}

export function apiClient(sim: ProcoreSimulator, token: string, defaultCompanyId: number) {
  return async (path: string, call: ApiCall = {}): Promise<ApiResult> => {
    const headers: Record<string, string> = {};
    const t = call.token === undefined ? token : call.token;
    if (t !== null) headers.authorization = `Bearer ${t}`;
    const company = call.companyId === undefined ? defaultCompanyId : call.companyId;
    if (company !== null) headers['procore-company-id'] = String(company);
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.contentType !== undefined) headers['content-type'] = call.contentType;
    const res = await fetch(`${sim.apiUrl}${path}`, {
      method: call.method ?? 'GET',
      headers,
      body: call.form ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
      signal: call.signal,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/** A FormData of `[name, value]` fields, in order. */
export function formOf(fields: [string, string][]): FormData {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  return form;
}

/** rel → URL from a Link header. */
export function parseLink(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/<([^>]+)>;\s*rel="(\w+)"/g)) out[m[2]!] = m[1]!;
  return out;
}
