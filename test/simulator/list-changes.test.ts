// The simulator's knobs for a list that changes while a client pages it: a hook run after each list
// page is served, the lists' order, how one record renders (broken records, ids beyond 2^53), and
// answers dated by the simulator's clock.
import { startSimulator, type ListPageServed, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';

describe('simulator: lists that change while they are paged', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;
  const vendors = (query = '') => `/rest/v1.0/vendors?company_id=${companyId}&per_page=5${query}`;
  const ids = (json: { id: number }[]) => json.map((v) => v.id);

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 12, resources: ['projects', 'vendors'] } });
    companyId = sim.store.companies()[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterEach(() => {
    sim.setAfterListPage(undefined);
    sim.store.setListOrder('vendors', undefined);
  });
  afterAll(() => sim.close());

  it('runs the hook after each list page is served, with what the page held; a change there shows on the next page', async () => {
    const served: ListPageServed[] = [];
    const all = sim.store.list('vendors', { companyId }).map((v) => v.id);
    sim.setAfterListPage((page) => {
      served.push(page);
      // A record already read is deactivated: every later record moves one place forward.
      if (page.page === 1) sim.store.deactivate('vendors', all[0]!);
    });
    const page1 = await api(vendors('&page=1'));
    const page2 = await api(vendors('&page=2'));
    expect(ids(page1.json)).toEqual(all.slice(0, 5));
    expect(ids(page2.json)).toEqual(all.slice(6, 11));
    expect(served.map(({ resource, list, page, perPage, ids: onPage, total }) => ({ resource, list, page, perPage, onPage, total }))).toEqual([
      { resource: 'vendors', list: 'list', page: 1, perPage: 5, onPage: all.slice(0, 5), total: 12 },
      { resource: 'vendors', list: 'list', page: 2, perPage: 5, onPage: all.slice(6, 11), total: 11 },
    ]);
    expect(served[0]!.query).toMatchObject({ company_id: String(companyId), page: '1' });
    sim.store.reactivate('vendors', all[0]!);
  });

  it('answers in the order a test sets: reversed, or a seeded shuffle that repeats', async () => {
    const all = sim.store.list('vendors', { companyId }).map((v) => v.id);
    sim.store.setListOrder('vendors', (a, b) => b.id - a.id);
    expect(ids((await api(vendors())).json)).toEqual([...all].reverse().slice(0, 5));
    sim.store.shuffleListOrder('vendors', 7);
    const shuffled = ids((await api(`/rest/v1.0/vendors?company_id=${companyId}&per_page=100`)).json);
    expect(new Set(shuffled)).toEqual(new Set(all));
    expect(shuffled).not.toEqual(all);
    sim.store.shuffleListOrder('vendors', 7);
    expect(ids((await api(`/rest/v1.0/vendors?company_id=${companyId}&per_page=100`)).json)).toEqual(shuffled);
  });

  it('renders one record as a test says: broken, or with an id beyond 2^53 written as exact digits', async () => {
    const [first, second] = sim.store.list('vendors', { companyId });
    sim.store.setRendering('vendors', first!.id, ({ id: _id, ...rest }) => rest);
    sim.store.setRendering('vendors', second!.id, (record) => ({ ...record, id: JSON.rawJSON('9007199254740993123') }));
    try {
      const page = await api(vendors());
      expect(page.json[0]).not.toHaveProperty('id');
      expect(page.text).toContain('"id":9007199254740993123');
    } finally {
      sim.store.setRendering('vendors', first!.id, undefined);
      sim.store.setRendering('vendors', second!.id, undefined);
    }
    expect(ids((await api(vendors())).json).slice(0, 2)).toEqual([first!.id, second!.id]);
  });

  it('dates its answers by its own clock', async () => {
    sim.clock.advance(24 * 3600_000);
    const res = await api(vendors());
    expect(Math.abs(Date.parse(res.headers.get('date')!) - sim.clock.now())).toBeLessThan(2000);
  });
});
