import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';

describe('simulator API access rules', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;
  let otherCompanyId: number;
  let uninstalledId: number;

  beforeAll(async () => {
    sim = await startSimulator({ data: { recordsPerResource: 3 } });
    const companies = sim.store.companies();
    companyId = companies[0]!.id;
    otherCompanyId = companies[1]!.id;
    uninstalledId = companies.find((c) => !c.installed)!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterAll(() => sim.close());

  it('uses ids above 2^32 that are still exact JavaScript numbers', () => {
    for (const c of sim.store.companies()) {
      expect(c.id).toBeGreaterThan(2 ** 32);
      expect(Number.isSafeInteger(c.id)).toBe(true);
    }
  });

  it('lists only the companies where the app is installed, and the service account user', async () => {
    const res = await api('/rest/v1.0/companies');
    expect(res.status).toBe(200);
    expect(res.json.map((c: { id: number }) => c.id)).toEqual([companyId, otherCompanyId]);
    const me = await api('/rest/v1.0/me');
    expect(me.json).toMatchObject({ id: expect.any(Number), login: expect.any(String) });
  });

  it('requires a bearer token (401 with WWW-Authenticate)', async () => {
    for (const token of [null, 'not-a-token']) {
      const res = await api('/rest/v1.0/companies', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(res.json).toEqual({ errors: expect.any(String) });
    }
  });

  it('answers a missing Procore-Company-Id with a plain-text 400, even on /companies and /me', async () => {
    for (const path of ['/rest/v1.0/companies', '/rest/v1.0/me', `/rest/v1.0/vendors?company_id=${companyId}`]) {
      const res = await api(path, { companyId: null });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/Procore-Company-Id/);
    }
  });

  it('answers 403 "App is not connected" for a company without the app, until it is installed', async () => {
    const res = await api(`/rest/v1.0/projects?company_id=${uninstalledId}`, { companyId: uninstalledId });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ errors: 'App is not connected to this company' });
    sim.store.setInstalled(uninstalledId, true);
    try {
      expect((await api(`/rest/v1.0/projects?company_id=${uninstalledId}`, { companyId: uninstalledId })).status).toBe(200);
    } finally {
      sim.store.setInstalled(uninstalledId, false);
    }
  });

  it('rejects a company_id that differs from the Procore-Company-Id header', async () => {
    const res = await api(`/rest/v1.0/vendors?company_id=${otherCompanyId}`);
    expect(res.status).toBe(403);
    expect(res.json.errors).toMatch(/does not match/);
  });

  it('hides non-permitted projects from lists and answers 403 for them; unknown projects are 404', async () => {
    const [first, second] = sim.store.projects(companyId);
    sim.store.setProjectPermitted(companyId, second!.id, false);
    try {
      const list = await api(`/rest/v1.0/projects?company_id=${companyId}`);
      expect(list.json.map((p: { id: number }) => p.id)).not.toContain(second!.id);
      expect(list.json.map((p: { id: number }) => p.id)).toContain(first!.id);

      const rfis = await api(`/rest/v1.0/projects/${second!.id}/rfis`);
      expect(rfis.status).toBe(403);
      expect(rfis.json).toEqual({ errors: expect.stringMatching(/permitted/) });
      expect((await api(`/rest/v1.0/projects/${second!.id}?company_id=${companyId}`)).status).toBe(403);
      expect((await api(`/rest/v1.0/observations/items?project_id=${second!.id}`)).status).toBe(403);
    } finally {
      sim.store.setProjectPermitted(companyId, second!.id, true);
    }
    const unknown = await api('/rest/v1.0/projects/999/rfis');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ errors: expect.any(String) });
    // A project of another company is not visible with this company's header.
    const foreign = sim.store.projects(otherCompanyId)[0]!;
    expect((await api(`/rest/v1.0/projects/${foreign.id}/rfis`)).status).toBe(404);
  });

  it('serves each resource on its Procore path', async () => {
    const projectId = sim.store.projects(companyId)[0]!.id;
    const paths = [
      `/rest/v1.0/projects?company_id=${companyId}`,
      `/rest/v1.0/companies/${companyId}/projects`,
      `/rest/v1.0/projects/${projectId}/rfis`,
      `/rest/v1.1/projects/${projectId}/submittals`,
      `/rest/v1.0/observations/items?project_id=${projectId}`,
      `/rest/v1.0/vendors?company_id=${companyId}`,
      `/rest/v1.3/companies/${companyId}/users`,
      // The compact default view carries neither timestamps nor money: the connector asks for extended.
      `/rest/v1.0/work_order_contracts?project_id=${projectId}&view=extended`,
    ];
    for (const path of paths) {
      const res = await api(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.json.length).toBeGreaterThan(0);
      const first = res.json[0];
      expect(first).toMatchObject({
        id: expect.any(Number),
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        updated_at: expect.stringMatching(/Z$/),
      });
    }
    const rfi = sim.store.list('rfis', { companyId, projectId })[0]!;
    const show = await api(`/rest/v1.0/projects/${projectId}/rfis/${rfi.id}`);
    expect(show.json).toEqual(rfi);
    const vendor = sim.store.list('vendors', { companyId })[0]!;
    expect((await api(`/rest/v1.0/vendors/${vendor.id}?company_id=${companyId}`)).json).toEqual(vendor);
    expect((await api(`/rest/v1.0/vendors/${vendor.id}`)).status).toBe(400); // company_id is required
    expect((await api(`/rest/v1.0/projects/${projectId}/rfis/${vendor.id}`)).status).toBe(404);
  });

  it('sets x-request-id on every response and logs requests with their headers', async () => {
    sim.clearRequests();
    const ok = await api('/rest/v1.0/me');
    const missing = await api('/rest/v1.0/nothing-here');
    expect(missing.status).toBe(404);
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get('x-request-id')).not.toBe(missing.headers.get('x-request-id'));
    const log = sim.requests();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/api/rest/v1.0/me', status: 200, companyId: String(companyId) });
    expect(log[0]!.headers['user-agent']).toEqual(expect.any(String));
    expect(sim.countRequests((r) => r.status === 404)).toBe(1);
  });
});
