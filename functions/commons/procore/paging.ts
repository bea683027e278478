// Walks a Procore v1 list by `page`/`per_page` and always ends. The next page exists when `Link` has
// rel="next"; without `Link`, while `Total` is not reached; without either, while pages come back
// full: a short page ends the walk, and an empty page always does. "Full" is the `Per-Page` the
// answer states; without it a page shorter than asked may be a silent cap on the page size, so the
// walk reads on and ends at the first page shorter than the largest seen (or an empty one). A walk
// that reads more than `maxPages` pages fails as transient with a clear reason instead of looping.
//
// Records that leave the list while it is walked (updated past the window's end) shift later
// records back onto pages already read. With `Total` the walk sees the shrink (a smaller Total than
// the page before, or than `knownTotal` for a walk that resumes) and steps back as many pages as the
// list shrank; without it the walk checks, after each page, that the previous page's last record
// still sits where it was (one `per_page=1` read). If it moved, the walk steps back to the first page
// whose end moved and reads on from there: those pages come again (at least once), nothing is
// skipped. A continuation that starts mid-list without `Total` reads its previous page again first,
// since that page's last record is unknown to it. This relies on the list's order being stable
// between reads, which Procore does not document: the pull worker pages a list this way only where
// it cannot avoid it (functions/pull/window-walk.ts reads each updated_at slice in one answer).
import { integerText } from '../json/exact-json';
import { ProcoreError } from './errors';

export const DEFAULT_MAX_PAGES = 5000;

export interface ProcorePage<T> {
  items: T[];
  page: number;
  perPage: number;
  total?: number;
  hasNext: boolean;
}

export interface ListAnswer {
  data: unknown;
  headers: Record<string, string>;
}

export interface PageWalk {
  /** e.g. `Procore GET /rest/v1.0/vendors`, for errors. */
  label: string;
  perPage: number;
  startPage?: number;
  maxPages?: number;
  /** The list's Total when `startPage` was reached before (a walk that resumes): a smaller one steps back. */
  knownTotal?: number;
  /** The answer to the walk's first read (of startPage at perPage), when the caller has it already. */
  firstAnswer?: ListAnswer;
  /** Reads one page of the list: the same request with `page` and `per_page` set. */
  read(page: number, perPage: number): Promise<ListAnswer>;
  onShift?(details: { page: number; restartAt: number }): void;
}

export async function* walkPages<T>(walk: PageWalk): AsyncGenerator<ProcorePage<T>> {
  const maxPages = walk.maxPages ?? DEFAULT_MAX_PAGES;
  const lastIds = new Map<number, string>();
  const startPage = walk.startPage ?? 1;
  let firstRead = startPage;
  let reads = 0;
  let largest = 0;
  let previousTotal = walk.knownTotal;
  for (let page = startPage; ; ) {
    reads += 1;
    if (page > maxPages || reads > maxPages) throw pagingLimit(walk.label, maxPages);
    const answer = reads === 1 && walk.firstAnswer ? walk.firstAnswer : await walk.read(page, walk.perPage);
    const items = listItems<T>(answer.data, `${walk.label} page ${page}`);
    const total = headerInt(answer.headers, 'total');
    const stated = headerInt(answer.headers, 'per-page');
    largest = Math.max(largest, items.length);
    // The page size the server applied: as stated, else the size of the full pages seen so far.
    const perPage = stated ?? (largest > 0 && largest < walk.perPage ? largest : walk.perPage);
    if (total !== undefined) {
      // Fewer records than at the page before: later ones slid back onto pages already read.
      const shrunkBy = previousTotal === undefined ? 0 : previousTotal - total;
      previousTotal = total;
      if (shrunkBy > 0 && page > 1) {
        const restartAt = Math.max(1, page - Math.ceil(shrunkBy / perPage));
        walk.onShift?.({ page, restartAt });
        firstRead = Math.min(firstRead, restartAt);
        page = restartAt;
        continue;
      }
    } else {
      const restartAt =
        page === startPage && page === firstRead && page > 1 && reads === 1 ? page - 1 : await shiftedFrom(walk, page, perPage, lastIds, firstRead);
      if (restartAt !== undefined) {
        walk.onShift?.({ page, restartAt });
        firstRead = Math.min(firstRead, restartAt);
        page = restartAt;
        continue;
      }
    }
    const link = answer.headers.link;
    const full = stated !== undefined ? items.length >= stated : items.length >= largest;
    const hasNext = items.length > 0 && (link !== undefined ? hasNextLink(link) : total !== undefined ? page * perPage < total : full);
    const lastId = idOf(items[items.length - 1]);
    if (lastId === undefined) lastIds.delete(page);
    else lastIds.set(page, lastId);
    yield { items, page, perPage, ...(total === undefined ? {} : { total }), hasNext };
    if (!hasNext) return;
    page += 1;
  }
}

/**
 * After reading `page`: undefined when the previous page's last record is still where it was read,
 * else the page to read again from (the first whose end moved).
 */
async function shiftedFrom(walk: PageWalk, page: number, perPage: number, lastIds: Map<number, string>, firstRead: number): Promise<number | undefined> {
  const stillLast = async (p: number): Promise<boolean> => {
    const answer = await walk.read(p * perPage, 1);
    return idOf(listItems(answer.data, `${walk.label} page ${p * perPage} (per_page=1)`)[0]) === lastIds.get(p);
  };
  let moved = page - 1;
  if (!lastIds.has(moved) || (await stillLast(moved))) return undefined;
  while (moved - 1 >= firstRead && lastIds.has(moved - 1) && !(await stillLast(moved - 1))) moved -= 1;
  // The end before the first page of this walk is unknown: read one page more.
  return moved === firstRead && firstRead > 1 ? firstRead - 1 : moved;
}

function pagingLimit(label: string, maxPages: number): ProcoreError {
  return new ProcoreError({
    message: `${label}: read ${maxPages} pages without reaching the last one (a Link that always has a next page, a Total never reached, or a list that kept shifting); stopped instead of looping`,
    kind: 'transient',
    errorClass: 'ProcorePagingLimit',
  });
}

function idOf(record: unknown): string | undefined {
  const id = (record as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : integerText(id);
}

export function headerInt(headers: Record<string, string>, name: string): number | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const value = Number.parseInt(raw, 10);
  return Number.isFinite(value) ? value : undefined;
}

/** RFC 8288 Link header: is there a `rel="next"` target? */
export function hasNextLink(link: string): boolean {
  return link.split(',').some((part) => /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(part));
}

export function listItems<T>(data: unknown, label: string): T[] {
  if (Array.isArray(data)) return data as T[];
  // v2 lists wrap the array: {"data": [...]}
  if (typeof data === 'object' && data !== null && Array.isArray((data as { data?: unknown }).data)) {
    return (data as { data: T[] }).data;
  }
  throw new ProcoreError({ message: `${label}: expected a JSON array of records`, kind: 'permanent', errorClass: 'ProcoreInvalidResponse' });
}
