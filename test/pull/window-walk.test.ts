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

async function walk(list: FakeList, options: Partial<WindowWalk> = {}): Promise<WindowChunk<Row>[]> {
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
