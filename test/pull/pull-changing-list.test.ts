// A list that changes while the worker pages it loses nothing. After every page of RFIs the
// simulator serves, Procore changes: a record is edited (its updated_at moves past the window's end,
// and in a list ordered by updated_at it moves to the end), an RFI is created, one is recycled, and
// the list's order is shuffled (Procore does not document its lists' order). With and without Total,
// Link and Per-Page: after the next run every record has arrived in its latest version (recycled
// ones as recycled), and no run delivers more than one page of copies.
import { mulberry32 } from '../../simulator/prng';
import type { PaginationHeaderOptions } from '../../simulator';
import { readCursor } from '../../functions/pull/state/cursor';
import { eventTime, startPullHarness, type PullHarness, type ReceivedRecord } from './support/pull-harness';

const RECORDS = 60;
const PER_PAGE = 10;

jest.setTimeout(120_000);

const VARIANTS: { name: string; pagination: PaginationHeaderOptions | undefined }[] = [
  { name: 'Total, Per-Page and Link', pagination: undefined },
  { name: 'no Total', pagination: { total: false } },
  { name: 'no Link', pagination: { link: false } },
  { name: 'neither Total nor Link', pagination: { total: false, link: false } },
  { name: 'no paging header at all (the page size capped silently)', pagination: { total: false, link: false, perPage: false } },
];

describe.each(VARIANTS)('pull of a list that changes between page reads: $name', ({ pagination }) => {
  let h: PullHarness;
  let projectId: number;

  beforeAll(async () => {
    // The handlers keep their runtime per module instance: a fresh one per harness.
    jest.resetModules();
    h = await startPullHarness({
      simulator: {
        maxPerPage: PER_PAGE,
        pagination,
        data: { companies: 1, projectsPerCompany: 1, recordsPerResource: RECORDS, resources: ['projects', 'rfis'] },
      },
      sync: () => ({ companies: 'all', resources: ['rfis'] }),
    });
    projectId = h.sim.store.projects(h.companyId)[0]!.id;
  });

  afterAll(async () => {
    await h?.close();
  });

  const scope = () => ({ companyId: h.companyId, projectId });
  const live = () => h.sim.store.list('rfis', scope());

  /** Changes Procore after each RFI list page served: edit, create, recycle, reorder, in turn. */
  function changeAfterEachPage(): { changes: string[] } {
    const random = mulberry32(42);
    const log = { changes: [] as string[] };
    h.sim.setAfterListPage((served) => {
      if (served.resource !== 'rfis' || served.list !== 'list') return;
      h.sim.clock.advance(1000);
      const rows = live();
      const someone = rows[Math.floor(random() * rows.length)]!;
      switch (log.changes.length % 4) {
        case 0:
          h.sim.store.update('rfis', someone.id, { subject: `edited while paged ${log.changes.length}` });
          log.changes.push(`edit ${someone.id}`);
          break;
        case 1: {
          const created = h.sim.store.insert('rfis', scope(), { subject: 'created while paged', rfi_manager_id: 1, question: { body: 'new' } });
          log.changes.push(`create ${created.id}`);
          break;
        }
        case 2:
          h.sim.store.recycle('rfis', someone.id);
          log.changes.push(`recycle ${someone.id}`);
          break;
        default:
          h.sim.store.shuffleListOrder('rfis', log.changes.length);
          log.changes.push('reorder');
      }
    });
    return log;
  }

  /** Copies beyond the first of one (id, updatedAt, lifecycle) within one run. */
  function extraCopies(received: ReceivedRecord[]): number {
    const keys = received.map((r) => `${r.envelope.id}@${r.envelope.updatedAt}#${r.envelope.lifecycle}`);
    return keys.length - new Set(keys).size;
  }

  it('0 lost after the next run, at most a page of copies per run', async () => {
    // Ordered by updated_at, as a list sorted that way would be: an edit moves a record to the end.
    h.sim.store.setListOrder('rfis', (a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
    const before = new Map(live().map((r) => [r.id, r.updated_at]));
    const windowEnd = eventTime(h.sim.clock.now());
    const log = changeAfterEachPage();
    const first = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.drainJobs({ lanes: 1 });
    });
    h.sim.setAfterListPage(undefined);
    expect(log.changes.length).toBeGreaterThanOrEqual(4);
    await expect(readCursor(h.table, { ...scope(), resource: 'rfis' })).resolves.toMatchObject({ cursor: windowEnd });

    h.sim.clock.advance(60_000);
    const second = await h.collectRecords(async () => {
      await h.plan();
      await h.drainJobs({ lanes: 1 });
    });

    // Every record in its latest version: the live ones as active, the recycled ones as recycled.
    const delivered = new Set([...first, ...second].map((r) => `${r.envelope.id}@${r.envelope.updatedAt}#${r.envelope.lifecycle}`));
    const lost = live()
      .filter((r) => !delivered.has(`${r.id}@${r.updated_at}#active`))
      .map((r) => ({ id: r.id, updatedAt: r.updated_at, unchangedSinceTheFirstRun: before.get(r.id) === r.updated_at }));
    expect(lost).toEqual([]);
    const recycled = h.sim.store.removed('rfis').filter((r) => r.projectId === projectId);
    expect(recycled.length).toBeGreaterThan(0);
    expect(recycled.filter((r) => ![...delivered].some((key) => key.startsWith(`${r.id}@`) && key.endsWith('#recycled')))).toEqual([]);

    expect(extraCopies(first)).toBeLessThanOrEqual(PER_PAGE);
    expect(extraCopies(second)).toBeLessThanOrEqual(PER_PAGE);
  });
});
