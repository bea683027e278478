import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, parseLink, requestToken } from './sim-http';

describe('simulator lists: pagination and filters', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;
  let projectId: number;
  const vendorsPath = () => `/rest/v1.0/vendors?company_id=${companyId}`;

  beforeAll(async () => {
    sim = await startSimulator({ maxPerPage: 10, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 25 } });
    companyId = sim.store.companies()[0]!.id;
    projectId = sim.store.projects(companyId)[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterAll(() => sim.close());

  it('pages with Total, Per-Page and absolute Link URLs, ordered by id', async () => {
    const page1 = await api(`${vendorsPath()}&per_page=10`);
    expect(page1.headers.get('total')).toBe('25');
    expect(page1.headers.get('per-page')).toBe('10');
    const links = parseLink(page1.headers.get('link'));
    expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next']);
    expect(links.next).toBe(`${sim.apiUrl}${vendorsPath()}&per_page=10&page=2`);
    expect(new URL(links.last!).searchParams.get('page')).toBe('3');

    const seen: number[] = [];
    let url: string | undefined = `${sim.apiUrl}${vendorsPath()}&per_page=10`;
    let pages = 0;
    while (url) {
      const res = await api(url.slice(sim.apiUrl.length));
      seen.push(...res.json.map((v: { id: number }) => v.id));
      url = parseLink(res.headers.get('link')).next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(sim.store.list('vendors', { companyId }).map((v) => v.id));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('has prev but no next on the last page, and an empty page past the end', async () => {
    const last = await api(`${vendorsPath()}&per_page=10&page=3`);
    expect(last.json).toHaveLength(5);
    const links = parseLink(last.headers.get('link'));
    expect(links.next).toBeUndefined();
    expect(new URL(links.prev!).searchParams.get('page')).toBe('2');
    const beyond = await api(`${vendorsPath()}&per_page=10&page=9`);
    expect(beyond.status).toBe(200);
    expect(beyond.json).toEqual([]);
    expect(parseLink(beyond.headers.get('link')).next).toBeUndefined();
  });

  it('clamps per_page to maxPerPage and says so in Per-Page', async () => {
    const res = await api(`${vendorsPath()}&per_page=5000`);
    expect(res.headers.get('per-page')).toBe('10');
    expect(res.json).toHaveLength(10);
  });

  it('filters by an inclusive updated_at range', async () => {
    const all = sim.store.list('rfis', { companyId, projectId });
    const target = all[3]!;
    sim.clock.advance(60_000);
    sim.store.touch('rfis', [target.id]);
    const touchedAt = sim.store.get('rfis', target.id)!.updated_at;
    expect(Date.parse(touchedAt)).toBeGreaterThan(Date.parse(target.updated_at));

    const exact = await api(`/rest/v1.0/projects/${projectId}/rfis?filters[updated_at]=${touchedAt}...${touchedAt}`);
    expect(exact.json.map((r: { id: number }) => r.id)).toEqual([target.id]);

    const from = new Date(Date.parse(touchedAt) - 1000).toISOString();
    const open = await api(`/rest/v1.0/projects/${projectId}/rfis?${new URLSearchParams({ 'filters[updated_at]': `${from}...${touchedAt}` })}`);
    expect(open.json.map((r: { id: number }) => r.id)).toEqual([target.id]);
    expect(open.headers.get('total')).toBe('1');

    const everything = await api(`/rest/v1.0/projects/${projectId}/rfis?filters[updated_at]=2000-01-01T00:00:00Z...${touchedAt}`);
    expect(everything.headers.get('total')).toBe(String(all.length));

    const bad = await api(`/rest/v1.0/projects/${projectId}/rfis?filters[updated_at]=yesterday`);
    expect(bad.status).toBe(400);
  });

  it('hides soft-deleted records unless filters[include_deleted] asks for them, where the list declares it', async () => {
    const contractsPath = `/rest/v1.0/work_order_contracts?project_id=${projectId}&view=extended`;
    const victim = sim.store.list('work_order_contracts', { companyId, projectId })[0]!;
    sim.store.deleteRecord('work_order_contracts', victim.id);
    const ids = async (query: string) => {
      const res = await api(`${contractsPath}&per_page=10${query}`);
      return { total: Number(res.headers.get('total')), body: res.json as { id: number; deleted_at: string | null }[] };
    };
    const plain = await ids('');
    expect(plain.total).toBe(24);
    expect(plain.body.map((v) => v.id)).not.toContain(victim.id);
    expect((await ids('&filters[include_deleted]=with')).total).toBe(25);
    const only = await ids('&filters[include_deleted]=only');
    expect(only.body).toEqual([expect.objectContaining({ id: victim.id, deleted_at: expect.stringMatching(/Z$/) })]);
    expect((await api(`/rest/v1.0/work_order_contracts/${victim.id}?project_id=${projectId}`)).status).toBe(404);
    // Vendors do not declare filters[include_deleted] (Procore deactivates vendors instead).
    expect((await api(`${vendorsPath()}&filters[include_deleted]=with`)).status).toBe(400);
  });

  it('filters by origin_id where the resource has one', async () => {
    const vendor = sim.store.list('vendors', { companyId })[5]!;
    sim.store.update('vendors', vendor.id, { origin_id: 'ERP-42' });
    const res = await api(`${vendorsPath()}&filters[origin_id]=ERP-42`);
    expect(res.json.map((v: { id: number }) => v.id)).toEqual([vendor.id]);
  });
});
