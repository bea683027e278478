// Paging always ends, and without a Total header a list that shifts while it is walked loses nothing:
// the client against the simulator with its pagination headers switched off, and the page walk
// against a server whose Link never ends.
import { ProcoreError } from '../../functions/commons/procore/errors';
import { walkPages, type ListAnswer } from '../../functions/commons/procore/paging';
import { buildPullListRequest, getResource } from '../../functions/commons/resources/registry';
import { startProcoreFixture, type ProcoreFixture } from './fixtures';

let f: ProcoreFixture;
const vendors = getResource('vendors');
const WINDOW = '2000-01-01T00:00:00Z...2030-01-01T00:00:00Z';

beforeAll(async () => {
  f = await startProcoreFixture({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 25, resources: ['vendors'] } });
});
afterAll(async () => {
  await f?.close();
});
beforeEach(() => {
  f.sim.setPagination(undefined);
  f.sim.clearRequests();
});

const listCalls = () => f.sim.requests().filter((r) => r.path === '/api/rest/v1.0/vendors');
const liveIds = () => f.sim.store.list('vendors', { companyId: f.companyId }).map((v) => v.id);

async function walk(options: { perPage: number; startPage?: number; between?: (page: number) => void }): Promise<{ pages: number[]; ids: number[] }> {
  const pages: number[] = [];
  const ids: number[] = [];
  const request = buildPullListRequest(vendors, { companyId: f.companyId }, WINDOW);
  for await (const page of f.client.pages<{ id: number }>({
    ...request,
    perPage: options.perPage,
    ...(options.startPage ? { startPage: options.startPage } : {}),
  })) {
    pages.push(page.page);
    ids.push(...page.items.map((v) => v.id));
    options.between?.(page.page);
  }
  return { pages, ids };
}

describe('paging without Link or Total', () => {
  it('ends on a short page', async () => {
    f.sim.setPagination({ total: false, link: false });
    const { pages, ids } = await walk({ perPage: 10 });
    expect(pages).toEqual([1, 2, 3]);
    expect(new Set(ids)).toEqual(new Set(liveIds()));
  });

  it('ends on an empty page when the last page was full, also without Per-Page', async () => {
    f.sim.setPagination({ total: false, perPage: false, link: false });
    const { pages, ids } = await walk({ perPage: 5 });
    expect(pages).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ids).toHaveLength(25);
  });

  it('costs one request per page when Total is present (no boundary checks)', async () => {
    await walk({ perPage: 10 });
    expect(listCalls().map((r) => r.query.per_page)).toEqual(['10', '10', '10']);
  });
});

describe('a page size capped silently (no Per-Page, Total or Link)', () => {
  // A server that applies at most 4 per page whatever is asked, and says nothing about it.
  const capped =
    (records: number) =>
    async (page: number, perPage: number): Promise<ListAnswer> => {
      const size = Math.min(perPage, 4);
      const ids = Array.from({ length: records }, (_, i) => ({ id: i + 1 })).slice((page - 1) * size, page * size);
      return { data: ids, headers: {} };
    };
  const read = async (records: number) => {
    const pages: number[][] = [];
    for await (const page of walkPages<{ id: number }>({ label: 'x', perPage: 1000, read: capped(records) })) pages.push(page.items.map((r) => r.id));
    return pages;
  };

  it('reads on past a page shorter than asked, and ends at the first page shorter than the others', async () => {
    expect(await read(10)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
  });

  it('ends at an empty page when every page was as long as the first', async () => {
    expect(await read(3)).toEqual([[1, 2, 3], []]);
  });
});

describe('a list that shifts while it is walked, without Total', () => {
  it('reads again from where it moved, so no record still in the window is skipped', async () => {
    f.sim.setPagination({ total: false });
    const before = liveIds();
    const { ids } = await walk({
      perPage: 10,
      between: (page) => {
        // Three records of the first page are edited past the window's end: the next page's first
        // three slide onto the first page, which was already read.
        if (page === 1) f.sim.store.touch('vendors', before.slice(2, 5), Date.parse('2031-01-01T00:00:00Z'));
      },
    });
    const stillInWindow = before.filter((id) => !before.slice(2, 5).includes(id));
    expect(stillInWindow.filter((id) => !ids.includes(id))).toEqual([]);
    // The boundary check saw it (one per_page=1 read) and the first page was read again.
    expect(listCalls().filter((r) => r.query.per_page === '1').length).toBeGreaterThanOrEqual(1);
    expect(f.logs.lines.some((line) => line.includes('The list shifted while paging'))).toBe(true);
    f.sim.store.touch('vendors', before.slice(2, 5), f.sim.clock.now());
  });

  it('a continuation starting mid-list reads its previous page again first', async () => {
    f.sim.setPagination({ total: false });
    const { pages } = await walk({ perPage: 10, startPage: 2 });
    expect(pages).toEqual([1, 2, 3]);
  });
});

describe('a list that shifts while it is walked, with Total', () => {
  it('steps back as many pages as the list shrank, so no record still in the window is skipped', async () => {
    const before = liveIds();
    const { ids, pages } = await walk({
      perPage: 10,
      between: (page) => {
        if (page === 1) f.sim.store.touch('vendors', before.slice(2, 5), Date.parse('2031-01-01T00:00:00Z'));
      },
    });
    const stillInWindow = before.filter((id) => !before.slice(2, 5).includes(id));
    expect(stillInWindow.filter((id) => !ids.includes(id))).toEqual([]);
    // Page 2 came back with a smaller Total: page 1 again, then on (no per_page=1 reads).
    expect(pages).toEqual([1, 1, 2, 3]);
    expect(listCalls().filter((r) => r.query.per_page === '1')).toEqual([]);
    f.sim.store.touch('vendors', before.slice(2, 5), f.sim.clock.now());
  });

  it('a walk that resumes with the Total it saw steps back when the list shrank in between', async () => {
    const request = buildPullListRequest(vendors, { companyId: f.companyId }, WINDOW);
    const pages: number[] = [];
    for await (const page of f.client.pages({ ...request, perPage: 10, startPage: 2, knownTotal: 28 })) pages.push(page.page);
    expect(pages).toEqual([1, 2, 3]);
  });
});

describe('a cap on pages', () => {
  const full = (page: number, perPage: number): ListAnswer => ({
    data: Array.from({ length: perPage }, (_, i) => ({ id: page * 1000 + i })),
    headers: { total: '1000000', link: '<https://api.example/x?page=999>; rel="next"' },
  });

  it('fails a walk whose Link never ends as transient, with the reason', async () => {
    let reads = 0;
    const pages = walkPages({
      label: 'Procore GET /rest/v1.0/vendors',
      perPage: 2,
      maxPages: 4,
      read: async (page, perPage) => {
        reads++;
        return full(page, perPage);
      },
    });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const page of pages) seen.push(page.page);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(reads).toBe(4);
    expect(error).toBeInstanceOf(ProcoreError);
    expect(error).toMatchObject({
      kind: 'transient',
      errorClass: 'ProcorePagingLimit',
      message: expect.stringContaining('read 4 pages without reaching the last one'),
    });
  });

  it('counts from the page a continuation starts at', async () => {
    const pages = walkPages({ label: 'x', perPage: 2, startPage: 4, maxPages: 4, read: async (page, perPage) => full(page, perPage) });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of pages) seen.push(page.page);
      })(),
    ).rejects.toMatchObject({ errorClass: 'ProcorePagingLimit' });
    expect(seen).toEqual([4]);
  });
});
