import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';

describe('simulator OAuth (login host)', () => {
  let sim: ProcoreSimulator;
  let companyId: number;

  beforeAll(async () => {
    sim = await startSimulator({ tokenTtlSeconds: 600, data: { recordsPerResource: 2 } });
    companyId = sim.store.companies()[0]!.id;
  });
  afterAll(() => sim.close());

  const tokenRequest = (body: string, contentType: string, url = `${sim.loginUrl}/oauth/token`) =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('issues a bearer token for client credentials sent as JSON', async () => {
    const res = await tokenRequest(
      JSON.stringify({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }),
      'application/json',
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      token_type: 'bearer',
      expires_in: 600,
      created_at: Math.floor(sim.clock.now() / 1000),
    });
    expect(sim.tokensIssued()).toContain(body.access_token);
  });

  it('issues a token for credentials sent form-urlencoded', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret });
    const res = await tokenRequest(form.toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token_type: string }).token_type).toBe('bearer');
  });

  it('answers 401 invalid_client for a wrong secret and 400 for another grant type', async () => {
    const bad = await tokenRequest(JSON.stringify({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: 'wrong' }), 'application/json');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client', error_description: expect.any(String) });

    const grant = await tokenRequest(JSON.stringify({ grant_type: 'password', client_id: sim.clientId, client_secret: sim.clientSecret }), 'application/json');
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('serves tokens only on the login host: /api/oauth/token is 404', async () => {
    const res = await tokenRequest(
      JSON.stringify({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }),
      'application/json',
      `${sim.apiUrl}/oauth/token`,
    );
    expect(res.status).toBe(404);
    // ...and REST only on the API host.
    const token = await requestToken(sim);
    const rest = await fetch(`${sim.loginUrl}/rest/v1.0/companies`, {
      headers: { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId) },
    });
    expect(rest.status).toBe(404);
  });

  it('expires tokens by the simulator clock', async () => {
    const token = await requestToken(sim);
    const api = apiClient(sim, token, companyId);
    expect((await api('/rest/v1.0/me')).status).toBe(200);
    sim.clock.advance(599_000);
    expect((await api('/rest/v1.0/me')).status).toBe(200);
    sim.clock.advance(1_000);
    const expired = await api('/rest/v1.0/me');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(expired.json).toEqual({ errors: expect.stringMatching(/expired/) });
  });

  it('reports token info and revokes tokens', async () => {
    const token = await requestToken(sim);
    sim.clock.advance(100_000);
    const info = await fetch(`${sim.loginUrl}/oauth/token/info`, { headers: { authorization: `Bearer ${token}` } });
    expect(info.status).toBe(200);
    const infoBody = (await info.json()) as { expires_in_seconds: number };
    expect(infoBody).toMatchObject({ application: { uid: sim.clientId }, scopes: [] });
    // 600 s lifetime minus the 100 s the clock moved (real milliseconds pass too).
    expect(infoBody.expires_in_seconds).toBeGreaterThanOrEqual(498);
    expect(infoBody.expires_in_seconds).toBeLessThanOrEqual(500);

    const revoke = await fetch(`${sim.loginUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: sim.clientId, client_secret: sim.clientSecret }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toEqual({});
    expect((await apiClient(sim, token, companyId)('/rest/v1.0/me')).status).toBe(401);
    const infoAfter = await fetch(`${sim.loginUrl}/oauth/token/info`, { headers: { authorization: `Bearer ${token}` } });
    expect(infoAfter.status).toBe(401);
  });

  it('invalidates every issued token on demand', async () => {
    const token = await requestToken(sim);
    sim.invalidateAllTokens();
    expect((await apiClient(sim, token, companyId)('/rest/v1.0/me')).status).toBe(401);
    const fresh = await requestToken(sim);
    expect((await apiClient(sim, fresh, companyId)('/rest/v1.0/me')).status).toBe(200);
  });

  it('rejects the old secret after rotation and accepts the new one', async () => {
    const old = sim.clientSecret;
    const rotated = sim.rotateClientSecret();
    expect(rotated).not.toBe(old);
    expect(sim.clientSecret).toBe(rotated);
    await expect(requestToken(sim, old)).rejects.toThrow(/401.*invalid_client/);
    await expect(requestToken(sim, rotated)).resolves.toEqual(expect.any(String));
    expect(sim.rotateClientSecret('chosen-secret')).toBe('chosen-secret');
    await expect(requestToken(sim, 'chosen-secret')).resolves.toEqual(expect.any(String));
  });
});
