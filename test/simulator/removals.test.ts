// Where the simulator shows records that left a default list, at Procore's declared paths: recycle
// bins, inactive lists, project status; and the store operations that put records there and back.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REMOVAL_ROUTES, startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';

const published = new Set(
  readFileSync(path.join(__dirname, '../../docs/procore-endpoints.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, method, route] = line.split('\t');
      return `${method} ${route}`;
    }),
);

describe('simulator removals', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;
  let projectId: number;
  const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

  beforeAll(async () => {
    sim = await startSimulator({ maxPerPage: 10, data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 4 } });
    companyId = sim.store.companies()[0]!.id;
    projectId = sim.store.projects(companyId)[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterAll(() => sim.close());

  it('serves every removal list at a path in docs/procore-endpoints.tsv', () => {
    expect(REMOVAL_ROUTES.map((r) => `${r.method} ${r.path}`).filter((op) => !published.has(op))).toEqual([]);
  });

  it('moves recycled RFIs, submittals and observations to their recycle bins, filtered by updated_at, and back on restore', async () => {
    const scope = { companyId, projectId };
    const recycledAt = sim.clock.now();
    const rfi = sim.store.list('rfis', scope)[1]!;
    const submittal = sim.store.list('submittals', scope)[2]!;
    const observation = sim.store.list('observations', scope)[0]!;
    sim.store.recycle('rfis', rfi.id);
    sim.store.recycle('submittals', submittal.id);
    sim.store.recycle('observations', observation.id);

    expect(ids((await api(`/rest/v1.0/projects/${projectId}/rfis`)).json)).not.toContain(rfi.id);
    expect(ids((await api(`/rest/v1.0/projects/${projectId}/rfis/recycle_bin?page=1&per_page=10`)).json)).toEqual([rfi.id]);
    expect(ids((await api(`/rest/v1.1/projects/${projectId}/submittals/recycle_bin`)).json)).toEqual([submittal.id]);
    const observations = await api(`/rest/v1.0/projects/${projectId}/recycle_bin/observations/items`);
    expect(ids(observations.json)).toEqual([observation.id]);
    expect(observations.headers.get('link')).toBeNull();

    const window = (from: number, to: number) => `filters[updated_at]=${new Date(from).toISOString()}...${new Date(to).toISOString()}`;
    expect(ids((await api(`/rest/v1.0/projects/${projectId}/rfis/recycle_bin?${window(recycledAt - 1000, recycledAt + 1000)}`)).json)).toEqual([rfi.id]);
    expect((await api(`/rest/v1.0/projects/${projectId}/rfis/recycle_bin?${window(recycledAt - 60_000, recycledAt - 30_000)}`)).json).toEqual([]);

    sim.clock.advance(60_000);
    sim.store.restore('rfis', rfi.id);
    expect((await api(`/rest/v1.0/projects/${projectId}/rfis/recycle_bin`)).json).toEqual([]);
    const live = (await api(`/rest/v1.0/projects/${projectId}/rfis`)).json as { id: number; updated_at: string }[];
    expect(live.find((r) => r.id === rfi.id)?.updated_at).toBe(new Date(Math.floor(sim.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(() => sim.store.recycle('vendors', sim.store.list('vendors', { companyId })[0]!.id)).toThrow(/cannot be recycled/);
  });

  it('lists deactivated vendors and users on their inactive lists only, until reactivated', async () => {
    const vendor = sim.store.list('vendors', { companyId })[0]!;
    const user = sim.store.list('company_users', { companyId })[3]!;
    sim.store.deactivate('vendors', vendor.id);
    sim.store.deactivate('company_users', user.id);
    expect(ids((await api(`/rest/v1.0/vendors?company_id=${companyId}`)).json)).not.toContain(vendor.id);
    expect(ids((await api(`/rest/v1.3/companies/${companyId}/users`)).json)).not.toContain(user.id);
    const inactiveVendors = await api(`/rest/v1.0/companies/${companyId}/vendors/inactive`);
    expect(inactiveVendors.json).toEqual([expect.objectContaining({ id: vendor.id, is_active: false })]);
    expect(ids((await api(`/rest/v1.0/companies/${companyId}/users/inactive`)).json)).toEqual([user.id]);
    // Another company's inactive list is not this header's to read.
    expect((await api(`/rest/v1.0/companies/${companyId + 1}/vendors/inactive`)).status).toBe(403);

    sim.store.reactivate('vendors', vendor.id);
    expect((await api(`/rest/v1.0/companies/${companyId}/vendors/inactive`)).json).toEqual([]);
    expect(ids((await api(`/rest/v1.0/vendors?company_id=${companyId}`)).json)).toContain(vendor.id);
  });

  it('lists active projects by default, and closed ones with filters[by_status]=Inactive or All', async () => {
    const closed = sim.store.projects(companyId)[1]!.id;
    sim.store.closeProject(closed);
    const list = async (query: string) => ids((await api(`/rest/v1.0/projects?company_id=${companyId}${query}`)).json);
    expect(await list('')).toEqual([projectId]);
    expect(await list('&filters[by_status]=Active')).toEqual([projectId]);
    expect(await list('&filters[by_status]=Inactive')).toEqual([closed]);
    expect(await list('&filters[by_status]=All')).toEqual([projectId, closed]);
    expect((await api(`/rest/v1.0/projects?company_id=${companyId}&filters[by_status]=closed`)).status).toBe(400);
    // A closed project's tools still answer.
    expect((await api(`/rest/v1.0/projects/${closed}/rfis`)).status).toBe(200);
    expect(sim.store.removed('projects')).toEqual([expect.objectContaining({ id: closed, how: 'inactive' })]);
    sim.store.reopenProject(closed);
    expect(await list('')).toEqual([projectId, closed]);
  });

  it('lists projects the app is not permitted in only when told to (both readings of Procore)', async () => {
    const other = sim.store.projects(companyId)[1]!.id;
    sim.store.setProjectPermitted(companyId, other, false);
    try {
      expect(ids((await api(`/rest/v1.0/projects?company_id=${companyId}`)).json)).toEqual([projectId]);
      sim.store.projectListing = 'all';
      expect(ids((await api(`/rest/v1.0/projects?company_id=${companyId}`)).json)).toEqual([projectId, other]);
      expect((await api(`/rest/v1.0/projects/${other}/rfis`)).status).toBe(403);
      expect((await api(`/rest/v1.0/projects/${other}/rfis/recycle_bin`)).status).toBe(403);
    } finally {
      sim.store.projectListing = 'permitted';
      sim.store.setProjectPermitted(companyId, other, true);
    }
  });

  it('reports what it removed, per resource and how', () => {
    const contract = sim.store.list('work_order_contracts', { companyId, projectId })[0]!;
    sim.store.deleteRecord('work_order_contracts', contract.id);
    expect(sim.store.removed('work_order_contracts')).toEqual([{ resource: 'work_order_contracts', id: contract.id, companyId, projectId, how: 'deleted' }]);
    expect(sim.store.removed('submittals').map((r) => r.how)).toEqual(['recycled']);
    expect(sim.store.removed('company_users').map((r) => r.how)).toEqual(['inactive']);
  });
});
