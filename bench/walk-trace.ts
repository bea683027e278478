// The window walk's reads, one line each and counted by kind, over the pull bench's own records
// (seeded as bench/pull-bench.ts seeds them: RFIs inserted on the simulator's clock, so updated_at
// follows the seconds the seeding took) and over other spreads of updated_at. Reads the simulator's
// store in-process (no HTTP, no rate limit): only the requests the walk makes are of interest.
//   npm run bench:walk -- [records ...]   (default 10000 100000; WALK_TRACE_LINES=1 prints each read)
import { silentLogger } from '../functions/commons/observability/logger';
import type { ListAnswer } from '../functions/commons/procore/paging';
import { walkWindow } from '../functions/pull/window-walk';
import { BEGINNING_OF_TIME } from '../functions/pull/sync-window';
import { RESOURCES, SimStore } from '../simulator';
import { createClock, toProcoreTime } from '../simulator/clock';
import { paginate } from '../simulator/pagination';
import { mulberry32 } from '../simulator/prng';

const MAX_PER_PAGE = 1000;

interface Read {
  from: string;
  to: string;
  page: number;
  perPage: number;
  count: number;
  total: number;
}

/** What each read was for, told from the reads themselves. */
export function kindsOf(reads: Read[]): Record<string, number> {
  const kinds: Record<string, number> = { whole_full: 0, whole_short: 0, overflow_narrowed: 0, crowded_pages: 0, probes: 0, shift_checks: 0 };
  reads.forEach((r, i) => {
    if (r.perPage === 1) kinds.shift_checks! += 1;
    else if (r.page > 1 || (r.count < r.total && reads[i + 1]?.page === 2 && reads[i + 1]?.from === r.from)) kinds.crowded_pages! += 1;
    else if (r.count < r.total) kinds.overflow_narrowed! += 1;
    else if (r.count >= 0.9 * r.perPage) kinds.whole_full! += 1;
    else kinds.whole_short! += 1;
  });
  return kinds;
}

async function trace(name: string, store: SimStore, scope: { companyId: number; projectId: number }, end: number): Promise<void> {
  const reads: Read[] = [];
  let delivered = 0;
  for await (const chunk of walkWindow<unknown>({
    label: name,
    window: { start: BEGINNING_OF_TIME, end: toProcoreTime(end) },
    perPage: MAX_PER_PAGE,
    sliceable: true,
    now: () => end,
    logger: silentLogger,
    async read(range, page, perPage): Promise<ListAnswer> {
      const ids = store.query('rfis', scope, { updatedFrom: Date.parse(range.from), updatedTo: Date.parse(range.to) });
      const url = new URL(`http://sim/rfis?page=${page}&per_page=${perPage}`);
      const answer = paginate(ids, url, 100, MAX_PER_PAGE);
      reads.push({ ...range, page, perPage: answer.perPage, count: answer.items.length, total: answer.total });
      const headers = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return { data: answer.items.map((id) => store.get('rfis', id)), headers: { ...headers, date: new Date(end).toUTCString() } };
    },
  })) {
    delivered += chunk.items.length;
  }
  if (process.env.WALK_TRACE_LINES) for (const r of reads) console.log(`  ${r.from}...${r.to} p${r.page}/${r.perPage}: ${r.count} of ${r.total}`);
  const total = store.query('rfis', scope).length;
  const ideal = Math.ceil(total / MAX_PER_PAGE);
  console.log(`${name}: ${reads.length} reads (ideal ${ideal}), delivered ${delivered} of ${total}`, JSON.stringify(kindsOf(reads)));
}

function project(store: SimStore, companyId: number): { companyId: number; projectId: number } {
  const p = store.insert('projects', { companyId }, { name: 'Trace', active: true });
  return { companyId, projectId: p.id };
}

/** Records inserted with `at(index)` as their time (undefined: the store's clock, as the bench does). */
function seed(store: SimStore, scope: { companyId: number; projectId: number }, count: number, at?: (i: number) => number): void {
  const random = mulberry32(count);
  for (let index = 1; index <= count; index++) {
    const fields = RESOURCES.rfis.fake({ random, index, companyId: scope.companyId, companyName: 'Trace', projectId: scope.projectId, userIds: [1] });
    store.insert('rfis', scope, fields, ...(at ? [at(index)] : []));
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  const clock = createClock(Date.now());
  const store = new SimStore(clock, 1, { companies: 1, projectsPerCompany: 0, recordsPerResource: 0 });
  const companyId = store.companies()[0]!.id;
  for (const count of sizes.length > 0 ? sizes : [10_000, 100_000]) {
    const started = Date.now();
    const bench = project(store, companyId);
    seed(store, bench, count);
    const seconds = new Set(store.list('rfis', bench).map((r) => r.updated_at)).size;
    console.log(`-- ${count} records, seeded as the bench seeds (${Date.now() - started} ms, ${seconds} distinct seconds)`);
    await trace(`bench ${count}`, store, bench, clock.now() + 1000);
    const year = Date.parse('2025-01-01T00:00:00Z');
    const random = mulberry32(count + 1);
    const uniform = project(store, companyId);
    seed(store, uniform, count, () => year + random() * 365 * 86_400_000);
    await trace(`uniform over a year ${count}`, store, uniform, year + 366 * 86_400_000);
    const bursty = project(store, companyId);
    seed(store, bursty, count, (i) => year + (i % 10) * 30 * 86_400_000 + random() * 3_600_000);
    await trace(`bursty (10 one-hour bursts) ${count}`, store, bursty, year + 366 * 86_400_000);
  }
}

void main();
