// The baseline: the same pull written the way a user of the official @procore/js-sdk would write
// it, following its README. The SDK has no client-credentials helper, so the token comes from one
// plain POST to the login host; then the SDK's client and a page loop over the list endpoint at the
// endpoint's default page size (the SDK sets none), stopping when the `Total` header (the README's
// own example) is reached. No pacing. On a 429 it does what a careful user does: waits Retry-After
// (or until X-Rate-Limit-Reset) and retries the page. Records are counted and dropped (no delivery).
// Runs in a function host like the connector's worker, so its RSS and CPU are measured the same way.
import * as sdk from '@procore/js-sdk';
import { childUsage, isUsageProbe } from './resource-usage';

interface PullEvent {
  companyId: number;
  projectId: number;
}

export interface SdkPullResult {
  records: number;
  pages: number;
  rateLimited: number;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the SDK baseline needs ${name}`);
  return value;
}

async function clientCredentialsToken(): Promise<string> {
  const response = await fetch(`${required('PROCORE_LOGIN_URL')}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: required('PROCORE_CLIENT_ID'), client_secret: required('PROCORE_CLIENT_SECRET') }),
  });
  if (!response.ok) throw new Error(`token request failed: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

function retryDelayMs(headers: Headers): number {
  const retryAfter = Number(headers.get('Retry-After'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const reset = Number(headers.get('X-Rate-Limit-Reset'));
  return Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) : 1000;
}

async function pullRfis(event: PullEvent): Promise<SdkPullResult> {
  const client = sdk.client(sdk.oauth(await clientCredentialsToken()), {}, { apiHostname: required('PROCORE_API_URL'), defaultCompanyId: event.companyId });
  let page = 1;
  let records = 0;
  let rateLimited = 0;
  for (;;) {
    let result: { body: unknown[]; response: Response };
    try {
      result = await client.get({ base: '/projects/{project_id}/rfis', params: { project_id: event.projectId }, qs: { page } });
    } catch (error) {
      const response = (error as { response?: Response }).response;
      if (response?.status !== 429) throw error instanceof Error ? error : new Error(`HTTP ${response?.status ?? 'error'} on page ${page}`);
      rateLimited += 1;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(response.headers)));
      continue;
    }
    records += result.body.length;
    const total = Number(result.response.headers.get('Total'));
    if (result.body.length === 0 || records >= total) return { records, pages: page, rateLimited };
    page += 1;
  }
}

export const handler = async (event: unknown): Promise<unknown> => (isUsageProbe(event) ? childUsage() : pullRfis(event as PullEvent));
