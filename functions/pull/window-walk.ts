// Reads one updated_at window of a list so that no record in it can be missed, whatever order
// Procore lists in and whatever changes while the window is read.
//
// Paging by `page` is an offset: when a record leaves the list (edited past the window's end,
// deleted, deactivated) the records after it slide back and one lands on a page already read; when
// the order changes between two reads (Procore documents no default order for its lists, and a sort
// on a non-unique field can return ties in any order) any record can be skipped. No header fixes
// that. So the walk never relies on an offset: it cuts the window into updated_at slices
// (`filters[updated_at]=<from>...<to>`) that each fit in ONE answer, and takes each slice from one
// answer, which is one query in Procore, consistent in itself. Within the window, records only ever
// leave: every edit moves updated_at to the time of the edit, which is after the window's end (the
// end is never later than Procore's clock at the first read, see below), and a new record is newer
// still. A record that leaves is read by the next window (it starts before this one's end); one that
// stays sits in its slice, which is read whole. Slices overlap by their boundary second (the next
// slice starts at the previous one's end), so a record timed to a fraction of a second is not lost
// between two whole-second filters: its copies are the records of that second.
//
// Whether an answer holds the whole slice: `Total` says how many there are; else `Link` whether
// there is a next page; else `Per-Page` the page size applied (a full page may have more behind);
// without any, a page shorter than asked is whole unless the server caps pages silently, which
// one read of page 2 tells (once; the cap learned then applies to the rest). A slice that does not
// fit is narrowed (by the count Total or the last Link gives, else halved) and read again. Only a
// single second holding more records than a page is paged (walkPages, with its shift checks): the
// one place where the list's order matters.
//
// The window's end is clamped to Procore's clock (the answer's `Date`) at the first read: a cursor
// never moves past the time its window was read, so an edit made after the read (its updated_at is
// after the read) is in the next window, whatever time the job was given.
import { toProcoreTime } from '../commons/contracts/procore-time';
import type { LoggerLike } from '../commons/observability/logger';
import { ProcoreError } from '../commons/procore/errors';
import { DEFAULT_MAX_PAGES, hasNextLink, headerInt, listItems, walkPages, type ListAnswer } from '../commons/procore/paging';

/** Where a walk stands in its window: what a checkpoint saves and a continuation resumes from. */
export interface WindowPosition {
  /** The next slice starts here (inclusive, whole seconds). */
  from: string;
  /** Above 1 only while paging one crowded second (`from...from`): the page to read next. */
  page: number;
  /** The Total seen with that page, so a shrink between invocations is seen (crowded second only). */
  seenTotal?: number;
  /** How wide (seconds) the next slice should be: the walk's estimate, kept across continuations. */
  sliceSeconds?: number;
}

export interface WindowChunk<T> {
  items: T[];
  /** Where to go on once these items are delivered; undefined when the window is done. */
  next: WindowPosition | undefined;
  /** The window's end as read: the given end, or Procore's clock at the first read if that was earlier. */
  windowEnd: string;
}

export interface WindowWalk {
  /** e.g. `Procore GET /rest/v1.0/projects/1/rfis`, for errors and logs. */
  label: string;
  window: { start: string; end: string };
  /** Where to start (a checkpoint or continuation); default: the window's start. */
  position?: WindowPosition | undefined;
  /** The page size to ask for. */
  perPage: number;
  /** false: the list has no updated_at filter, so it is paged whole (walkPages). */
  sliceable: boolean;
  /** Reads beyond this fail the walk as transient (ProcorePagingLimit) instead of looping. */
  maxReads?: number;
  /** Page `page` of the list with updated_at in [from, to] (both inclusive, whole seconds). */
  read(range: { from: string; to: string }, page: number, perPage: number): Promise<ListAnswer>;
  /** The connector's clock (epoch ms), for an answer without a Date header. */
  now(): number;
  logger: LoggerLike;
}

/** Share of a page a slice aims to fill, so that a little growth does not overflow it. */
const TARGET_FILL = 0.7;

/** How much wider than the last the next slice may be (a sparse stretch grows quickly; an overshoot costs one read). */
const GROWTH = 2;

type Verdict = { kind: 'complete'; items?: unknown[] } | { kind: 'more'; estimate?: number | undefined } | { kind: 'unknown' };

/** What the walk has learned of the server's page size when no header states it. */
interface PageSize {
  /** Pages are cut at this size (a page of this many had a next one). */
  cap?: number;
  /** Pages hold at least this many (the largest page seen). */
  floor: number;
}

export async function* walkWindow<T>(walk: WindowWalk): AsyncGenerator<WindowChunk<T>> {
  let endMs = Date.parse(walk.window.end);
  let fromMs = Date.parse(walk.position?.from ?? walk.window.start);
  let width = walk.position?.sliceSeconds ?? Math.max(0, (endMs - fromMs) / 1000);
  const size: PageSize = { floor: 0 };
  const maxReads = walk.maxReads ?? DEFAULT_MAX_PAGES;
  let reads = 0;
  const read = async (from: number, to: number, page: number, perPage: number): Promise<ListAnswer> => {
    if (++reads > maxReads) throw readLimit(walk.label, maxReads);
    const answer = await walk.read({ from: toProcoreTime(from), to: toProcoreTime(to) }, page, perPage);
    if (reads === 1) endMs = clampedEnd(walk, endMs, answer);
    return answer;
  };
  const windowEnd = () => toProcoreTime(endMs);

  if (!walk.sliceable) {
    yield* pageThrough<T>(walk, read, { startMs: fromMs, endMs, page: walk.position?.page ?? 1, seenTotal: walk.position?.seenTotal }, windowEnd);
    return;
  }
  if (walk.position && walk.position.page > 1) {
    // A continuation inside a crowded second: the rest of that second first.
    yield* crowdedSecond<T>(walk, read, fromMs, walk.position, () => ({ endMs, width, windowEnd: windowEnd() }));
    fromMs += 1000;
  }
  while (fromMs <= endMs) {
    const toMs = Math.min(endMs, fromMs + Math.floor(width) * 1000);
    const answer = await read(fromMs, toMs, 1, walk.perPage);
    const items = listItems<T>(answer.data, `${walk.label} updated ${toProcoreTime(fromMs)}...${toProcoreTime(toMs)}`);
    let verdict = sliceVerdict(answer, items.length, walk.perPage, size);
    if (verdict.kind === 'unknown') verdict = await probe(read, fromMs, toMs, walk.perPage, items.length, size);
    size.floor = Math.max(size.floor, items.length);
    const span = (toMs - fromMs) / 1000;
    const fill = TARGET_FILL * (headerInt(answer.headers, 'per-page') ?? size.cap ?? walk.perPage);
    if (verdict.kind === 'complete') {
      const delivered = (verdict.items ?? items) as T[];
      // The next slice starts at this one's end (that second is read again), or after a single second.
      const nextMs = toMs > fromMs ? toMs : toMs + 1000;
      // As many seconds as should hold `fill` records at this slice's density (at most GROWTH times as many).
      width = Math.floor(Math.max(span, 1) * Math.min(GROWTH, fill / Math.max(delivered.length, 1)));
      const done = toMs >= endMs;
      yield { items: delivered, next: done ? undefined : { from: toProcoreTime(nextMs), page: 1, sliceSeconds: width }, windowEnd: windowEnd() };
      if (done) return;
      fromMs = nextMs;
    } else if (span === 0) {
      yield* crowdedSecond<T>(walk, read, fromMs, { from: toProcoreTime(fromMs), page: 1 }, () => ({ endMs, width, windowEnd: windowEnd() }));
      fromMs += 1000;
    } else {
      const estimate = verdict.kind === 'more' ? verdict.estimate : undefined;
      width = Math.min(Math.floor(span / 2), estimate ? Math.floor((span * fill) / estimate) : span);
    }
  }
}

/** Whether one answer holds its whole slice, from what the answer says (or what the walk learned). */
function sliceVerdict(answer: ListAnswer, count: number, asked: number, size: PageSize): Verdict {
  if (count === 0) return { kind: 'complete' };
  const total = headerInt(answer.headers, 'total');
  if (total !== undefined) return count >= total ? { kind: 'complete' } : { kind: 'more', estimate: total };
  const link = answer.headers.link;
  if (link !== undefined) return hasNextLink(link) ? { kind: 'more', estimate: lastPageOf(link) * count } : { kind: 'complete' };
  const pageSize = headerInt(answer.headers, 'per-page') ?? size.cap;
  if (pageSize !== undefined) return count < pageSize ? { kind: 'complete' } : { kind: 'more' };
  if (count >= asked) return { kind: 'more' };
  // Shorter than asked: whole, unless the server cuts pages at this size without saying so.
  return count < size.floor ? { kind: 'complete' } : { kind: 'unknown' };
}

/**
 * No header says whether a page shorter than asked is the whole slice: page 2 tells. If it has
 * records the server caps pages at `count` (learned for the rest of the walk); if it is empty the
 * slice held no more than a page, and page 1 read again is all of it now (records only leave).
 */
async function probe(
  read: (from: number, to: number, page: number, perPage: number) => Promise<ListAnswer>,
  fromMs: number,
  toMs: number,
  asked: number,
  count: number,
  size: PageSize,
): Promise<Verdict> {
  const second = listItems((await read(fromMs, toMs, 2, asked)).data, 'page 2');
  if (second.length > 0) {
    size.cap = count;
    return { kind: 'more', estimate: count + second.length };
  }
  const again = listItems((await read(fromMs, toMs, 1, asked)).data, 'page 1');
  return { kind: 'complete', items: again };
}

/** More records share one second of updated_at than a page holds: page through that second. */
async function* crowdedSecond<T>(
  walk: WindowWalk,
  read: (from: number, to: number, page: number, perPage: number) => Promise<ListAnswer>,
  secondMs: number,
  position: WindowPosition,
  state: () => { endMs: number; width: number; windowEnd: string },
): AsyncGenerator<WindowChunk<T>> {
  walk.logger.info('More records share one second of updated_at than a page holds: paging that second', { list: walk.label, second: position.from });
  for await (const page of walkPages<T>({
    label: `${walk.label} updated ${position.from}`,
    perPage: walk.perPage,
    startPage: position.page,
    ...(position.seenTotal === undefined ? {} : { knownTotal: position.seenTotal }),
    read: (page, perPage) => read(secondMs, secondMs, page, perPage),
    onShift: ({ page, restartAt }) => walk.logger.warn('The records of one second shifted while paged; reading again from an earlier page', { list: walk.label, page, restartAt }),
  })) {
    const { endMs, width, windowEnd } = state();
    const after = secondMs + 1000;
    const next: WindowPosition | undefined = page.hasNext
      ? { from: position.from, page: page.page + 1, ...(page.total === undefined ? {} : { seenTotal: page.total }), sliceSeconds: width }
      : after > endMs
        ? undefined
        : { from: toProcoreTime(after), page: 1, sliceSeconds: width };
    yield { items: page.items, next, windowEnd };
  }
}

/** A list without an updated_at filter: paged whole, as walkPages does. */
async function* pageThrough<T>(
  walk: WindowWalk,
  read: (from: number, to: number, page: number, perPage: number) => Promise<ListAnswer>,
  at: { startMs: number; endMs: number; page: number; seenTotal: number | undefined },
  windowEnd: () => string,
): AsyncGenerator<WindowChunk<T>> {
  for await (const page of walkPages<T>({
    label: walk.label,
    perPage: walk.perPage,
    startPage: at.page,
    ...(at.seenTotal === undefined ? {} : { knownTotal: at.seenTotal }),
    read: (page, perPage) => read(at.startMs, at.endMs, page, perPage),
  })) {
    const next = page.hasNext ? { from: toProcoreTime(at.startMs), page: page.page + 1, ...(page.total === undefined ? {} : { seenTotal: page.total }) } : undefined;
    yield { items: page.items, next, windowEnd: windowEnd() };
  }
}

/** The window's end, no later than Procore's clock at this (the first) read. */
function clampedEnd(walk: WindowWalk, endMs: number, answer: ListAnswer): number {
  const stated = Date.parse(answer.headers.date ?? '');
  const readAt = Math.floor((Number.isNaN(stated) ? walk.now() : stated) / 1000) * 1000;
  if (endMs <= readAt) return endMs;
  walk.logger.warn('The window ended after the time its first page was read: the cursor moves to the time of the read instead', {
    list: walk.label,
    windowEnd: toProcoreTime(endMs),
    readAt: toProcoreTime(readAt),
    clock: Number.isNaN(stated) ? 'connector' : 'Procore (Date header)',
  });
  return readAt;
}

/** rel="last"'s page number in a Link header (1 when there is none). */
function lastPageOf(link: string): number {
  const last = link.split(',').find((part) => /rel="?last"?/i.test(part));
  const page = last && /[?&]page=(\d+)/.exec(last)?.[1];
  return page ? Number(page) : 1;
}

function readLimit(label: string, maxReads: number): ProcoreError {
  return new ProcoreError({
    message: `${label}: ${maxReads} reads without reaching the end of the window (a list that kept changing); stopped instead of looping`,
    kind: 'transient',
    errorClass: 'ProcorePagingLimit',
  });
}
