// DMSA tokens over real HTTP against the simulator, with the secret in moto.
import { secretsManagerCredentials } from '../../functions/commons/credentials/dmsa-secret';
import { ProcoreClient } from '../../functions/commons/procore/client';
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import { ProcoreError } from '../../functions/commons/procore/errors';
import { createHttp, type HttpTransport } from '../../functions/commons/procore/http';
import { RatePacer } from '../../functions/commons/procore/rate-pacer';
import { TokenProvider } from '../../functions/commons/procore/token-provider';
import { captureLogger, createDmsaSecret, putDmsaSecret, startProcoreFixture, type ProcoreFixture } from './fixtures';

let f: ProcoreFixture;

beforeEach(async () => {
  f = await startProcoreFixture();
});
afterEach(async () => {
  await f.close();
});

const companies = () => f.client.request<{ id: number }[]>({ method: 'GET', path: '/rest/v1.0/companies', companyId: f.companyId });
const tokenCalls = () => f.sim.countRequests((r) => r.path.endsWith('/oauth/token'));

describe('TokenProvider', () => {
  it('makes exactly one token request for 50 concurrent calls on a cold container, on the login host', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, companies));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(f.tokens.tokenRequests).toBe(1);
    expect(tokenCalls()).toBe(1);
    const [tokenCall] = f.sim.requests().filter((r) => r.path.endsWith('/oauth/token'));
    expect(tokenCall?.path).toBe('/login/oauth/token');
    expect(f.sim.countRequests((r) => r.path.startsWith('/api/rest/'))).toBe(50);
  });

  it('renews a token that expires mid-run before using it: no call fails', async () => {
    await companies();
    f.sim.clock.advance(5400 * 1000 + 1000);
    await companies();
    expect(tokenCalls()).toBe(2);
    expect(f.sim.countRequests((r) => r.status === 401)).toBe(0);
  });

  it('renews shortly before expires_in says the token ends', async () => {
    await companies();
    f.sim.clock.advance((5400 - 299) * 1000);
    await companies();
    expect(tokenCalls()).toBe(2);
  });

  it('after a revoked token: one 401, one renewal, then success', async () => {
    await companies();
    f.sim.invalidateAllTokens();
    const response = await companies();
    expect(response.status).toBe(200);
    expect(f.sim.countRequests((r) => r.status === 401)).toBe(1);
    expect(tokenCalls()).toBe(2);
  });

  it('does not loop when fresh tokens are refused too: one renewal, then a permanent error', async () => {
    // The client keeps real time while the simulator jumps past every token's expiry as soon as it
    // issues it, so each token is refused on first use.
    const fetchHttp = createHttp();
    const http: HttpTransport = {
      request: async (config) => {
        const answer = await fetchHttp.request(config);
        if (config.url.endsWith('/oauth/token')) f.sim.clock.advance(5401 * 1000);
        return answer;
      },
    };
    const environment = resolveProcoreEnvironment({ name: 'custom', loginUrl: f.sim.loginUrl, apiUrl: f.sim.apiUrl });
    const tokens = new TokenProvider({ environment, credentials: secretsManagerCredentials(f.secretId), http });
    const client = new ProcoreClient({ environment, tokens, pacer: new RatePacer() });

    const error = await client.request({ method: 'GET', path: '/rest/v1.0/companies', companyId: f.companyId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcoreError);
    expect(error).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreAuthError', status: 401 });
    expect(f.sim.countRequests((r) => r.status === 401)).toBe(2);
    expect(tokenCalls()).toBe(2);
  });

  it('picks up a rotated client secret after invalid_client', async () => {
    await companies();
    const rotated = f.sim.rotateClientSecret();
    await putDmsaSecret(f.secretId, { client_id: f.sim.clientId, client_secret: rotated });
    f.sim.clock.advance(5400 * 1000);
    const response = await companies();
    expect(response.status).toBe(200);
    const tokenStatuses = f.sim
      .requests()
      .filter((r) => r.path.endsWith('/oauth/token'))
      .map((r) => r.status);
    expect(tokenStatuses).toEqual([200, 401, 200]);
  });

  it('fails a wrong secret with a clear permanent error that holds neither secret nor token, in errors or logs', async () => {
    await companies();
    const issued = f.sim.tokensIssued();
    const wrongSecret = 'definitely-wrong-secret-value';
    f.sim.rotateClientSecret();
    await putDmsaSecret(f.secretId, { client_id: f.sim.clientId, client_secret: wrongSecret });
    f.sim.clock.advance(5400 * 1000);

    const error = await companies().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcoreError);
    expect((error as ProcoreError).message).toBe(`Procore rejected the DMSA client credentials from secret ${f.secretId}: invalid_client`);
    expect(error).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreAuthError', status: 401 });
    expect(f.tokens.tokenRequests).toBe(3); // first token, then the old and the re-read secret

    const everything = [JSON.stringify(error), String((error as Error).stack), ...f.logs.lines].join('\n');
    expect(f.logs.lines.some((line) => line.includes('Procore rejected the DMSA client credentials'))).toBe(true);
    for (const secret of [wrongSecret, f.sim.clientSecret, ...issued]) expect(everything).not.toContain(secret);
  });

  it.each([
    ['5xx answers', { serverErrorRate: 1 }],
    ['dropped connections', { dropConnectionRate: 1 }],
  ])('retries token requests on %s', async (_case, fault) => {
    let tokenAttempts = 0;
    f.sim.setFaults({ ...fault, includeTokenEndpoint: true, only: (r) => r.path.endsWith('/oauth/token') && tokenAttempts++ < 2 });
    await expect(f.tokens.getToken()).resolves.toMatch(/^\w+$/);
    expect(f.sim.requests().map((r) => r.fault !== undefined)).toEqual([true, true, false]);
    expect(f.tokens.tokenRequests).toBe(3);
  });

  it('gives up on a failing token endpoint at the deadline with a transient error', async () => {
    f.sim.setFaults({ serverErrorRate: 1, includeTokenEndpoint: true });
    const error = await f.tokens.getToken({ deadline: f.clock() + 2000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient', errorClass: 'ProcoreServerError' });
    expect(String((error as Error).message)).toMatch(/^Procore token request answered 50\d/);
  });

  it('sends the token request to the login host: the API host has no token endpoint', async () => {
    const secretId = await createDmsaSecret({ client_id: f.sim.clientId, client_secret: f.sim.clientSecret });
    // A misconfigured environment whose login host is the API host fails permanently, not in a loop.
    const wrong = resolveProcoreEnvironment({ name: 'custom', loginUrl: f.sim.apiUrl, apiUrl: f.sim.apiUrl });
    const logs = captureLogger();
    const tokens = new TokenProvider({ environment: wrong, credentials: secretsManagerCredentials(secretId), logger: logs.logger });
    const client = new ProcoreClient({ environment: wrong, tokens, pacer: new RatePacer() });
    const error = await client.request({ method: 'GET', path: '/rest/v1.0/companies', companyId: f.companyId }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permanent', status: 404 });
    expect(f.sim.requests().map((r) => r.path)).toContain('/api/oauth/token');
  });
});
