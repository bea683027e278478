// The window walk against an in-memory list that answers as Procore may: in any order (a new one on
// every read), with or without Total / Link / Per-Page, pages capped without saying so, records
// leaving the window between two reads, many records in one second. Whatever it does, every record
// that stays in the window is delivered, and none twice.
import { silentLogger } from '../../functions/commons/observability/logger';
import type { ListAnswer } from '../../functions/commons/procore/paging';
import { walkWindow, type WindowChunk, type WindowPosition, type WindowWalk } from '../../functions/pull/window-walk';
import { mulberry32 } from '../../simulator/prng';

interface Row {
  id: number;
  updated_at: string;
}

const START = '2025-01-01T00:00:00Z';
const END = '2026-01-01T00:00:00Z';
const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A list of `count` rows spread over the window (or `crowd` of them in one second). */
function rows(count: number, seed: number, crowd?: { second: string; count: number }): Row[] {
  const random = mulberry32(seed);
  const span = Date.parse(END) - Date.parse(START);
  const spread = Array.from({ length: count }, (_, i) => ({ id: 1000 + i, updated_at: at(Date.parse(START) + random() * span) }));
  const crowded = crowd ? Array.from({ length: crowd.count }, (_, i) => ({ id: 5000 + i, updated_at: crowd.second })) : [];
  return [...spread, ...crowded];
}

interface FakeList {
  rows: Row[];
  reads: { from: string; to: string; page: number }[];
  read: WindowWalk['read'];
}

/**
 * The list as a server answers it: rows in [from, to], in a new random order on every read (unless
 * `ordered`), `pageSize` at most whatever is asked, the headers asked for, and `between` run after
 * each read (a change of the list).
 */
function fakeList(
  all: Row[],
  options: { pageSize: number; total?: boolean; link?: boolean; perPage?: boolean; ordered?: boolean; between?: (list: FakeList) => void; date?: string },
): FakeList {
  const random = mulberry32(7);
  const list: FakeList = {
    rows: [...all],
    reads: [],
    async read(range, page, perPage): Promise<ListAnswer> {
      list.reads.push({ ...range, page });
      const inRange = list.rows.filter((r) => r.updated_at >= range.from && r.updated_at <= range.to);
      const order = options.ordered
        ? inRange.sort((a, b) => a.id - b.id)
        : inRange
            .map((r) => ({ r, k: random() }))
            .sort((a, b) => a.k - b.k)
            .map(({ r }) => r);
      const size = Math.min(perPage, options.pageSize);
      const items = order.slice((page - 1) * size, page * size);
      const lastPage = Math.max(1, Math.ceil(order.length / size));
      const headers: Record<string, string> = { date: new Date(options.date ?? END).toUTCString() };
      if (options.total) headers.total = String(order.length);
      if (options.perPage) headers['per-page'] = String(size);
      if (options.link) headers.link = [`<x?page=${lastPage}>; rel="last"`, ...(page < lastPage ? [`<x?page=${page + 1}>; rel="next"`] : [])].join(', ');
      options.between?.(list);
      return { data: items.map((r) => ({ ...r })), headers };
    },
  };
  return list;
}

/** The chunks of a walk over `list`, up to `maxChunks` (a job that hands over after them). */
async function walk(list: FakeList, options: Partial<WindowWalk> = {}, maxChunks = Number.POSITIVE_INFINITY): Promise<WindowChunk<Row>[]> {
  const chunks: WindowChunk<Row>[] = [];
  for await (const chunk of walkWindow<Row>({
    label: 'fake list',
    window: { start: START, end: END },
    perPage: 20,
    sliceable: true,
    read: list.read,
    now: () => Date.parse(END),
    logger: silentLogger,
    ...options,
  })) {
    chunks.push(chunk);
    if (chunks.length >= maxChunks) break;
  }
  return chunks;
}

const ids = (chunks: WindowChunk<Row>[]) => chunks.flatMap((c) => c.items.map((r) => r.id));
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe('window walk', () => {
  const headers = [
    { name: 'Total, Per-Page and Link', total: true, perPage: true, link: true },
    { name: 'Link only', link: true },
    { name: 'Total only', total: true },
    { name: 'Per-Page only', perPage: true },
    { name: 'no header (a page cap of 20 said nowhere)' },
  ];

  it.each(headers)('delivers every record once, read in a new order each time, records leaving between reads: $name', async (h) => {
    const all = rows(150, 1);
    const random = mulberry32(3);
    const left: number[] = [];
    const list = fakeList(all, {
      pageSize: 20,
      ...h,
      // After every read one record leaves the window (edited past its end, or deleted).
      between: (l) => {
        const [gone] = l.rows.splice(Math.floor(random() * l.rows.length), 1);
        if (gone) left.push(gone.id);
      },
    });
    const chunks = await walk(list, { perPage: 'perPage' in h || 'link' in h || 'total' in h ? 20 : 1000 });
    const delivered = ids(chunks);
    expect(new Set(delivered).size).toBe(delivered.length);
    // Every record still in the list was delivered; the ones that left may or may not have been.
    const missing = list.rows.map((r) => r.id).filter((id) => !delivered.includes(id));
    expect(missing).toEqual([]);
    expect(delivered.every((id) => all.some((r) => r.id === id))).toBe(true);
    expect(left.length).toBe(list.reads.length);
    expect(chunks.at(-1)!.next).toBeUndefined();
    // At about 70 % of a page per slice, plus the reads that find where to cut.
    expect(list.reads.length).toBeLessThan(3 * Math.ceil(150 / 14));
  });

  it('reads a window that fits in one answer with one request', async () => {
    const list = fakeList(rows(12, 2), { pageSize: 20, total: true });
    const chunks = await walk(list);
    expect(list.reads).toEqual([{ from: START, to: END, page: 1 }]);
    expect(sorted(ids(chunks))).toEqual(sorted(list.rows.map((r) => r.id)));
  });

  it('pages a second holding more records than a page, once, in a slice of two seconds', async () => {
    const second = '2025-06-01T12:00:00Z';
    const list = fakeList(rows(30, 4, { second, count: 95 }), { pageSize: 20, total: true, ordered: true });
    const chunks = await walk(list);
    const delivered = ids(chunks);
    expect(sorted(delivered)).toEqual(sorted(list.rows.map((r) => r.id)));
    expect(delivered).toHaveLength(125);
    const crowded = list.reads.filter((r) => r.page > 1);
    expect(crowded.map((r) => r.page)).toEqual([2, 3, 4, 5]);
    expect(Date.parse(crowded[0]!.to) - Date.parse(crowded[0]!.from)).toBeLessThanOrEqual(2000);
  });

  it('goes on from a position: the next page of a crowded second, with the Total it saw', async () => {
    const second = '2025-06-01T12:00:00Z';
    const list = fakeList(rows(0, 5, { second, count: 60 }), { pageSize: 20, total: true, ordered: true });
    const first: WindowChunk<Row>[] = [];
    for await (const chunk of walkWindow<Row>({
      label: 'fake',
      window: { start: START, end: END },
      perPage: 20,
      sliceable: true,
      read: list.read,
      now: Date.now,
      logger: silentLogger,
    })) {
      first.push(chunk);
      if (chunk.items.length > 0) break; // the job hands over after the crowded second's first page
    }
    const position = first.at(-1)!.next!;
    expect(position).toMatchObject({ page: 2, seenTotal: 60 });
    // Three records of page 1 leave before the continuation runs: it reads page 1 again, loses nothing.
    const firstPage = first.at(-1)!.items.map((r) => r.id);
    list.rows = list.rows.filter((r) => !firstPage.slice(0, 3).includes(r.id));
    const rest = await walk(list, { position });
    const all = [...firstPage, ...ids(rest)];
    expect(list.rows.map((r) => r.id).filter((id) => !all.includes(id))).toEqual([]);
    expect(all.length - 60).toBeLessThanOrEqual(20);
  });

  it("ends the window at Procore's clock when the job said later, and says so in every chunk", async () => {
    const list = fakeList(rows(40, 6), { pageSize: 20, total: true, date: '2025-09-01T00:00:00Z' });
    const chunks = await walk(list);
    expect(new Set(chunks.map((c) => c.windowEnd))).toEqual(new Set(['2025-09-01T00:00:00Z']));
    expect(list.reads.slice(1).every((r) => r.to <= '2025-09-01T00:00:00Z')).toBe(true);
    expect(sorted(ids(chunks))).toEqual(sorted(list.rows.filter((r) => r.updated_at <= '2025-09-01T00:00:00Z').map((r) => r.id)));
  });

  it('pages a list without an updated_at filter whole, positions by page', async () => {
    const list = fakeList(rows(45, 8), { pageSize: 20, total: true, ordered: true });
    const chunks = await walk(list, { sliceable: false });
    expect(list.reads.map((r) => r.page)).toEqual([1, 2, 3]);
    expect(chunks.map((c) => c.next?.page)).toEqual([2, 3, undefined]);
    expect(ids(chunks)).toHaveLength(45);
  });

  it('stops with a transient ProcorePagingLimit instead of reading forever', async () => {
    const list = fakeList(rows(200, 9), { pageSize: 20, total: true });
    await expect(walk(list, { maxReads: 3 })).rejects.toMatchObject({ kind: 'transient', errorClass: 'ProcorePagingLimit' });
  });

  it("has nothing to read from a position past the window's end (the removal pass was left to a continuation)", async () => {
    const list = fakeList(rows(10, 10), { pageSize: 20, total: true });
    const position: WindowPosition = { from: '2026-01-01T00:00:01Z', page: 1 };
    expect(await walk(list, { position })).toEqual([]);
    expect(list.reads).toEqual([]);
  });
});

// How many requests the walk makes (pinned: a change that costs reads fails here) and that it still
// misses nothing where it saves them. Pages of 100, Total on every answer, as Procore's lists send.
describe('window walk: requests', () => {
  const YEAR = Date.parse(START);
  const DAY = 86_400_000;
  /** `count` rows at the times `at(i)` gives (ids from 1). */
  const spread = (count: number, timeOf: (i: number) => number): Row[] => Array.from({ length: count }, (_, i) => ({ id: i + 1, updated_at: at(timeOf(i)) }));
  const reads = async (all: Row[], options: { ordered?: boolean; date?: string } = {}) => {
    const list = fakeList(all, { pageSize: 100, total: true, ...options });
    const delivered = ids(await walk(list, { perPage: 100 }));
    expect(sorted(delivered)).toEqual(sorted(all.map((r) => r.id)));
    return list.reads.length;
  };

  it('reads 2,000 records spread evenly over a year, in any order, in 34 requests (ideal 20; 43 before: slices sized by the noise of their estimate)', async () => {
    const random = mulberry32(11);
    expect(await reads(spread(2000, () => YEAR + random() * 365 * DAY))).toBe(34);
  });

  it('reads 2,000 records in 10 one-hour bursts a month apart, in any order, in 40 requests (ideal 20)', async () => {
    const random = mulberry32(12);
    expect(await reads(spread(2000, (i) => YEAR + (i % 10) * 30 * DAY + random() * 3_600_000))).toBe(40);
  });

  it('reads 1,000 records of one second in 11 requests: the first, then its 10 pages (ideal 10; 14 before)', async () => {
    expect(
      await reads(
        spread(1000, () => YEAR + 100 * DAY),
        { ordered: true },
      ),
    ).toBe(11);
  });

  it('reads two crowded seconds side by side once each: 2,500 records in 26 requests (ideal 25)', async () => {
    const all = spread(2500, (i) => YEAR + 100 * DAY + (i < 1200 ? 0 : 1000));
    const list = fakeList(all, { pageSize: 100, total: true, ordered: true });
    const delivered = ids(await walk(list, { perPage: 100 }));
    expect(sorted(delivered)).toEqual(sorted(all.map((r) => r.id)));
    // Both seconds in one crowded slice: no page of the second one is read twice.
    const crowdedPages = list.reads.filter((r) => r.page > 1);
    expect(new Set(crowdedPages.map((r) => `${r.from}...${r.to}`)).size).toBe(1);
    expect(list.reads).toHaveLength(26);
  });

  it('reads the rest of the window after a crowded second near its end, where an edit made during the walk may land', async () => {
    // The window ends at Procore's clock; 150 records share a second two before it, one more record
    // sits in the window's last second. While the walk reads, a record is created in the second
    // before the end (as an edit in the same second as the first read is stamped): the crowded slice
    // then holds as many records as the whole window did, but the last record must still be read.
    const end = Date.parse('2025-09-01T00:00:00Z');
    const all = [...spread(150, () => end - 2000), { id: 999, updated_at: at(end) }];
    let created = false;
    const list = fakeList(all, {
      pageSize: 100,
      total: true,
      ordered: true,
      date: at(end),
      between: (l) => {
        if (created) return;
        created = true;
        l.rows.push({ id: 1000, updated_at: at(end - 1000) });
      },
    });
    const delivered = ids(await walk(list, { perPage: 100 }));
    expect(delivered).toContain(999);
    expect(delivered.filter((id) => id !== 1000).sort((a, b) => a - b)).toEqual(sorted(all.map((r) => r.id)));
  });

  it('skips the empty rest of a slice a crowded second held whole, and reads it when a record there stays', async () => {
    const crowd = spread(250, () => YEAR + 100 * DAY);
    // Alone in the window: the first read, then the crowded second's 3 pages; the rest is not read.
    expect(await reads(crowd, { ordered: true })).toBe(4);
    // One record after it, or before it: the crowded slice holds one fewer than the window did, so the
    // slices before and after it are read (its first page, read first, is not read again).
    expect(await reads([...crowd, { id: 999, updated_at: at(YEAR + 200 * DAY) }], { ordered: true })).toBe(6);
    expect(await reads([...crowd, { id: 999, updated_at: at(YEAR + 10 * DAY) }], { ordered: true })).toBe(6);
  });

  it('misses nothing when records leave mid-window between every read, in a crowded run and around it', async () => {
    const random = mulberry32(13);
    const all = [
      ...spread(300, () => YEAR + random() * 365 * DAY),
      ...spread(400, (i) => YEAR + 50 * DAY + (i < 150 ? 0 : 1000)).map((r) => ({ ...r, id: r.id + 1000 })),
    ];
    const left: number[] = [];
    const list = fakeList(all, {
      pageSize: 100,
      total: true,
      ordered: true,
      between: (l) => {
        const [gone] = l.rows.splice(Math.floor(random() * l.rows.length), 1);
        if (gone) left.push(gone.id);
      },
    });
    const delivered = ids(await walk(list, { perPage: 100 }));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(list.rows.map((r) => r.id).filter((id) => !delivered.includes(id))).toEqual([]);
    expect(left.length).toBe(list.reads.length);
  });

  it('goes on after a hand-over between the overflowing read and its crowded slice, with the Total it saw', async () => {
    const all = [...spread(250, () => YEAR + 100 * DAY)];
    const list = fakeList(all, { pageSize: 100, total: true, ordered: true });
    // The first read overflowed: the job hands over before anything is delivered.
    const first = await walk(list, { perPage: 100 }, 1);
    const position = first[0]!.next!;
    expect(position).toMatchObject({ page: 1, seenTotal: 250 });
    const rest = await walk(list, { position, perPage: 100 });
    expect(sorted(ids(rest))).toEqual(sorted(all.map((r) => r.id)));
    // The slice before the second (empty), the rest of the window (it overflows again: the cut after
    // the second was not handed over), then its 3 pages; after them the rest is not read again.
    expect(list.reads).toHaveLength(6);
  });
});
