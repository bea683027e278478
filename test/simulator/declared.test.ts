// The simulator accepts what Procore's operations file declares and nothing more: undeclared
// query parameters (400), methods or paths (404) and body types (415) are refused and logged; views,
// pagination headers and multipart bodies behave as declared.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeclaredOperations, nestFormFields, parseOperations, startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, formOf, requestToken } from './sim-http';

describe('the operations file', () => {
  const operations = DeclaredOperations.fromFile();

  it('is the refreshed copy: per operation its query parameters and body content types', () => {
    const text = readFileSync(path.join(__dirname, '../../docs/procore-endpoints.tsv'), 'utf8');
    expect(parseOperations(text)).toHaveLength(1957);
    const contracts = operations.match('GET', '/rest/v1.0/work_order_contracts');
    expect([...contracts!.queryParams]).toEqual(expect.arrayContaining(['project_id', 'view', 'filters[include_deleted]', 'filters[origin_id]']));
    expect([...operations.match('PATCH', '/rest/v1.3/companies/1/users/2')!.bodyContentTypes]).toEqual(['multipart/form-data']);
  });

  it('matches the most literal template: a recycle bin is not an RFI id', () => {
    expect(operations.match('GET', '/rest/v1.0/projects/12/rfis/recycle_bin')?.path).toBe('/rest/v1.0/projects/{project_id}/rfis/recycle_bin');
    expect(operations.match('GET', '/rest/v1.0/projects/12/rfis/34')?.path).toBe('/rest/v1.0/projects/{project_id}/rfis/{id}');
    expect(operations.match('GET', '/rest/v1.0/projects/12/rfis/34.pdf')?.path).toBe('/rest/v1.0/projects/{project_id}/rfis/{id}.pdf');
    expect(operations.match('DELETE', '/rest/v1.0/vendors/5')).toBeUndefined();
  });

  it('names what is undeclared', () => {
    expect(operations.check({ method: 'GET', path: '/rest/v1.0/vendors', queryParams: ['company_id', 'filters[include_deleted]'] })).toEqual({
      status: 400,
      undeclared: ['filters[include_deleted]'],
      reason: expect.stringContaining('GET /rest/v1.0/vendors does not declare the query parameter filters[include_deleted]'),
    });
    expect(operations.check({ method: 'PATCH', path: '/rest/v1.0/budget_line_items/sync', queryParams: [] })).toMatchObject({ status: 404 });
    expect(operations.check({ method: 'POST', path: '/rest/v1.0/budget_line_items/sync', queryParams: [], contentType: 'application/json' })).toBeUndefined();
    expect(
      operations.check({ method: 'PATCH', path: '/rest/v1.3/companies/1/users/sync', queryParams: [], contentType: 'application/json; charset=utf-8' }),
    ).toEqual({
      status: 415,
      reason: 'PATCH /rest/v1.3/companies/{company_id}/users/sync takes multipart/form-data, not application/json',
    });
  });
});

describe('multipart field names, nested as Rails nests them', () => {
  it('builds hashes, arrays and arrays of hashes', () => {
    expect(
      nestFormFields([
        ['user[last_name]', 'Kim'],
        ['user[vendor][id]', '7'],
        ['user[trade_ids][]', '1'],
        ['user[trade_ids][]', '2'],
        ['updates[][id]', '1'],
        ['updates[][name]', 'A'],
        ['updates[][id]', '2'],
        ['updates[][name]', 'B'],
      ]),
    ).toEqual({
      user: { last_name: 'Kim', vendor: { id: '7' }, trade_ids: ['1', '2'] },
      updates: [
        { id: '1', name: 'A' },
        { id: '2', name: 'B' },
      ],
    });
  });

  it('starts a new array item only when the last one already has the key (why each item leads with the same key)', () => {
    expect(
      nestFormFields([
        ['updates[][id]', '1'],
        ['updates[][origin_id]', 'X'],
      ]),
    ).toEqual({ updates: [{ id: '1', origin_id: 'X' }] });
  });
});

describe('the simulator refuses what is not declared', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;
  let projectId: number;

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 3 } });
    companyId = sim.store.companies()[0]!.id;
    projectId = sim.store.projects(companyId)[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  beforeEach(() => sim.clearRequests());
  afterEach(() => sim.setPagination(undefined));
  afterAll(() => sim.close());

  it('answers 400 for an undeclared query parameter and logs which one', async () => {
    const res = await api(`/rest/v1.0/projects/${projectId}/rfis?filters[include_deleted]=with&per_page=5`);
    expect(res.status).toBe(400);
    expect(res.json.errors).toContain('does not declare the query parameter filters[include_deleted]');
    expect(sim.requests()[0]).toMatchObject({
      status: 400,
      refusal: { status: 400, undeclared: ['filters[include_deleted]'], reason: expect.stringContaining('GET /rest/v1.0/projects/{project_id}/rfis') },
    });
    // The same list with what it declares answers.
    expect((await api(`/rest/v1.0/projects/${projectId}/rfis?filters[updated_at]=2000-01-01T00:00:00Z...2100-01-01T00:00:00Z&per_page=5`)).status).toBe(200);
    // A scope id Procore takes in the path is not also a query parameter.
    expect((await api(`/rest/v1.0/projects/${projectId}/rfis?project_id=${projectId}`)).status).toBe(400);
  });

  it('answers 404 for an undeclared method or path; a sync is POST or PATCH as declared', async () => {
    const vendor = sim.store.list('vendors', { companyId })[0]!;
    expect((await api(`/rest/v1.0/vendors/${vendor.id}?company_id=${companyId}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api('/rest/v1.0/budget_line_items/sync', { method: 'PATCH', body: { updates: [] } })).status).toBe(404);
    expect((await api('/rest/v1.0/vendors/sync', { method: 'POST', body: { company_id: companyId, updates: [] } })).status).toBe(404);
    expect(sim.requests().map((r) => r.refusal?.status)).toEqual([404, 404, 404]);
    expect(sim.requests()[1]!.refusal!.reason).toBe('PATCH /rest/v1.0/budget_line_items/sync is not a declared Procore operation');
    // POST is the declared verb: the request passes (the simulator has no budget line items to sync).
    sim.clearRequests();
    await api('/rest/v1.0/budget_line_items/sync', { method: 'POST', body: { updates: [] } });
    expect(sim.requests()[0]!.refusal).toBeUndefined();
  });

  it('answers 415 for a body type the operation does not take, and reads multipart where it is declared', async () => {
    const user = sim.store.list('company_users', { companyId })[0]!;
    const path = `/rest/v1.3/companies/${companyId}/users/${user.id}`;
    const json = await api(path, { method: 'PATCH', body: { user: { last_name: 'Json' } } });
    expect(json.status).toBe(415);
    expect(sim.requests()[0]!.refusal).toMatchObject({ status: 415 });
    const multipart = await api(path, {
      method: 'PATCH',
      form: formOf([
        ['user[last_name]', 'Multipart'],
        ['user[job_title]', 'Estimator'],
      ]),
    });
    expect(multipart.status).toBe(200);
    expect(sim.store.get('company_users', user.id)).toMatchObject({ last_name: 'Multipart', job_title: 'Estimator' });

    const vendor = sim.store.list('vendors', { companyId })[0]!;
    const vendorForm = await api(`/rest/v1.0/vendors/${vendor.id}`, {
      method: 'PATCH',
      form: formOf([
        ['company_id', String(companyId)],
        ['vendor[name]', 'X'],
      ]),
    });
    expect(vendorForm.status).toBe(415);
    expect(vendorForm.json.errors).toBe('PATCH /rest/v1.0/vendors/{id} takes application/json, not multipart/form-data');
  });

  it('answers work order contracts in their compact view unless extended is asked for', async () => {
    const list = (query: string) => api(`/rest/v1.0/work_order_contracts?project_id=${projectId}${query}`).then((r) => r.json as Record<string, unknown>[]);
    const compact = (await list(''))[0]!;
    expect(Object.keys(compact).sort()).toEqual(['executed', 'id', 'number', 'project', 'status', 'title']);
    expect(await list('&view=no-such-view')).toEqual(await list('&view=compact'));
    const extended = (await list('&view=extended'))[0]!;
    expect(extended).toMatchObject({ id: compact.id, updated_at: expect.any(String), grand_total: expect.any(String), origin_id: null, deleted_at: null });
  });

  it('drops Total, Per-Page and Link when a test switches them off', async () => {
    const vendors = `/rest/v1.0/vendors?company_id=${companyId}&per_page=2`;
    const full = await api(vendors);
    expect([full.headers.get('total'), full.headers.get('per-page'), full.headers.get('link')]).toEqual(['3', '2', expect.stringContaining('rel="next"')]);
    sim.setPagination({ total: false });
    const noTotal = await api(vendors);
    expect([noTotal.headers.get('total'), noTotal.headers.get('per-page'), noTotal.headers.get('link')]).toEqual([null, '2', expect.any(String)]);
    sim.setPagination({ total: false, perPage: false, link: false });
    const bare = await api(vendors);
    expect([bare.headers.get('total'), bare.headers.get('per-page'), bare.headers.get('link')]).toEqual([null, null, null]);
    expect(bare.json).toHaveLength(2);
  });
});
