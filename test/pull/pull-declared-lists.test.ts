// The pull reads each list as Procore declares it: work order contracts in their extended view and
// with filters[include_deleted]=with (declared on that list), so a deleted contract arrives as
// deleted: true with its fields; and a list answered without Total or Link is still read to its end.
import { startPullHarness, type PullHarness } from './support/pull-harness';

jest.setTimeout(60_000);

let h: PullHarness;
let projectId: number;
const contracts = () => h.sim.store.list('work_order_contracts', { companyId: h.companyId, projectId });

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { maxPerPage: 4, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 10, resources: ['projects', 'work_order_contracts'] } },
    sync: () => ({ companies: 'all', resources: ['work_order_contracts'] }),
  });
  projectId = h.sim.store.projects(h.companyId)[0]!.id;
});

afterAll(async () => {
  await h?.close();
});

const pull = () =>
  h.collectRecords(async () => {
    await h.plan();
    await h.drainJobs();
  });

describe('pull: lists read as declared', () => {
  it('reads work order contracts in their extended view, every request a declared one', async () => {
    const received = await pull();
    expect(new Set(received.map((r) => r.envelope.id))).toEqual(new Set(contracts().map((c) => c.id)));
    // The compact default would carry neither updated_at nor money.
    expect(received[0]!.envelope.data).toMatchObject({ updated_at: expect.any(String), grand_total: expect.any(String), deleted_at: null });
    const lists = h.sim.requests().filter((r) => r.path.endsWith('/work_order_contracts'));
    expect(lists.every((r) => r.query.view === 'extended' && r.query['filters[include_deleted]'] === 'with')).toBe(true);
    expect(h.sim.requests().filter((r) => r.refusal)).toEqual([]);
  });

  it('delivers a contract deleted in Procore as deleted: true', async () => {
    h.sim.clock.advance(600_000);
    const victim = contracts()[3]!;
    h.sim.store.softDelete('work_order_contracts', victim.id);
    h.sim.clock.advance(60_000);
    const received = await pull();
    expect(received.map((r) => [r.envelope.id, r.envelope.deleted])).toEqual([[victim.id, true]]);
    expect(received[0]!.envelope.data).toMatchObject({ id: victim.id, title: victim.title, deleted_at: expect.any(String) });
  });

  it('reads a list answered without Total, Per-Page or Link to its end', async () => {
    h.sim.clock.advance(600_000);
    // Every contract changes; pages of 4 hold the ten in three pages, the last one short.
    h.sim.store.touch(
      'work_order_contracts',
      h.sim.store.list('work_order_contracts', { companyId: h.companyId, projectId }, { includeDeleted: true }).map((c) => c.id),
    );
    h.sim.clock.advance(60_000);
    h.sim.setPagination({ total: false, perPage: false, link: false });
    try {
      const received = await pull();
      // The simulator caps pages at 4 without saying so: the walk reads on until a shorter page.
      const all = h.sim.store.list('work_order_contracts', { companyId: h.companyId, projectId }, { includeDeleted: true });
      expect(new Set(received.map((r) => r.envelope.id))).toEqual(new Set(all.map((c) => c.id)));
    } finally {
      h.sim.setPagination(undefined);
    }
  });
});
