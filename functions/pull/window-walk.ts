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
// leave: every edit moves updated_at to the time of the edit, which is at or after the window's end
// (the end is never later than Procore's clock at the first read, see below), and a new record is
// newer still. A record that leaves is read by the next window (it starts before this one's end);
// one that stays sits in its slice, which is read whole. Slices overlap by their boundary second (the next
// slice starts at the previous one's end), so a record timed to a fraction of a second is not lost
// between two whole-second filters; what the next slice brings again of that second is not
// delivered twice (the walk remembers the ids of the boundary second, within one invocation).
//
// Whether an answer holds the whole slice: `Total` says how many there are; else `Link` whether
// there is a next page; else `Per-Page` the page size applied (a full page may have more behind);
// without any, a page shorter than asked is whole unless the server caps pages silently, which
// one read of page 2 tells (once; the cap learned then applies to the rest). A slice that does not
// fit is narrowed and read again: its answer is a sample of it, cut into equal shares that should
// each fit (by the count Total or the last Link gives; before the time of the records it did return;
// in a list that answered in updated_at order, one cut at what a page holds), else halved. Slices
// aim below a page by the noise of their estimate (targetFill: the count a sample of n in T
// predicts varies by about √(count × T/n), one sized from the density of the slice before like a
// Poisson count), and a sample too thin to place every cut places the first; the rest follow the
// density each read shows, growing after a short page. Sizing only decides how many reads a window
// takes, never what is delivered: every slice is still taken whole from one answer.
//
// Only a slice of CROWDED_SPAN seconds that still holds more records than a page is paged (walkPages,
// with its shift checks), or such a slice widened over the crowded seconds next to it: the one place
// where the list's order matters. A full page of records all in one second proves that second
// crowded; it is paged in a slice from the second before it to the second after it (CROWDED_SPAN,
// since one instant would miss times with fractions). Slices share their boundary
// seconds, so a crowded second at a crowded slice's end would be read again whole by the next slice:
// before paging, the walk reads the next slice, and while a full page of it falls in its first
// second the crowded slice takes that second too (the read that shows a second is not crowded is
// kept as the next slice's answer: records only leave, so an earlier answer still holds the slice).
// A crowded slice whose Total equals that of the overflowing slice it was cut from (and that ends
// before the window's last ENTRY_SECONDS) shows the rest of that slice was empty when read: the walk
// goes on after that slice without reading it; a crowded slice planned from a full page of one
// second has its first page read before the slice in front of it, which is then not read either when
// the Totals show it empty (else that page is kept for when the walk gets there). Records only leave
// a slice after it was read, and an edit after the first read lands at or after the window's end, so
// at most in its last ENTRY_SECONDS (an edit in the same second as the read, or a read that
// straddles a second, is stamped there): no count the walk compares includes them. A position at
// page 1 carries the Total of the rest of the window it was cut from (seenTotal), so a continuation
// can still tell.
//
// The window's end is clamped to Procore's clock (the answer's `Date`) at the first read: a cursor
// never moves past the time its window was read, so an edit made after the read (its updated_at is
// at or after the read) is in the next window, whatever time the job was given.
import { toProcoreTime } from '../commons/contracts/procore-time';
import { integerText } from '../commons/json/exact-json';
import type { LoggerLike } from '../commons/observability/logger';
import { ProcoreError } from '../commons/procore/errors';
import { DEFAULT_MAX_PAGES, hasNextLink, headerInt, listItems, walkPages, type ListAnswer } from '../commons/procore/paging';

/** Where a walk stands in its window: what a checkpoint saves and a continuation resumes from. */
export interface WindowPosition {
  /** The next slice starts here (inclusive, whole seconds). After the window's end: nothing is left to read. */
  from: string;
  /** Above 1 only while paging a crowded slice (`from...from + sliceSeconds`): the page to read next. */
  page: number;
  /**
   * Above page 1: the crowded slice's Total seen with that page, so a shrink between invocations is
   * seen. At page 1: the Total of the slice from `from` (or before it) to the window's end, as the
   * walk last read it whole-window (a crowded slice holding as many shows the rest empty).
   */
  seenTotal?: number;
  /** How wide (seconds) the slice from `from` is: the walk's estimate, kept across continuations. */
  sliceSeconds?: number;
}

export interface WindowChunk<T> {
  /** The records to deliver (none when the read only narrowed the slice: the caller may hand over from `next`). */
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

/**
 * How many records a slice aims at for pages of `pageSize`, when its count is estimated from a sample
 * in which each record stands for `perSample` records: the count then varies by about
 * √(target × perSample). An overflow costs reads (OVERFLOW_READS), a smaller slice more slices: the
 * target is the one with the most records per read, target ÷ (1 + OVERFLOW_READS × chance of an
 * overflow), keeping at least one deviation free. About 90 % of a page of 1,000 sized from the
 * density the slice before showed (DENSITY_NOISE), 82 % planned from 1,000 sampled of 10,000, 70 %
 * of a page of 20.
 */
function targetFill(pageSize: number, perSample: number): number {
  let best = { fill: 1, perRead: 0 };
  for (let step = Math.max(1, pageSize / 400), fill = step; fill <= pageSize; fill += step) {
    const deviation = Math.sqrt(fill * Math.max(1, perSample));
    // At least one deviation free: past that an overflow's own re-cut costs more than a read.
    if (fill + deviation > pageSize) break;
    const overflow = upperTail((pageSize - fill) / deviation);
    const perRead = fill / (1 + OVERFLOW_READS * overflow);
    if (perRead > best.perRead) best = { fill, perRead };
  }
  return best.fill;
}

/** Reads an overflow costs: its own, and the one more slice that what it held then takes. */
const OVERFLOW_READS = 2;

/** P(Z > z) for a standard normal Z (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
function upperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152073 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** A width sized from the density of the slice before counts twice the noise of a Poisson count (that count's and its own). */
const DENSITY_NOISE = 2;

/** A sample whose plan fills slices less than this share of what the density a read shows would: it places only the first slice. */
const THIN_SAMPLE = 0.85;

/**
 * The window's last seconds, where an edit made while the window is read may still land: its end is
 * no later than Procore's clock at the first read, an edit after that read is stamped at or after
 * it, and whole seconds (or a read that straddles a second) put it at most this far before the end.
 */
const ENTRY_SECONDS = 2;

/** A slice this narrow (seconds) that does not fit in one answer is paged: more records share a second than a page holds. */
const CROWDED_SPAN = 2;

type Verdict = { kind: 'complete'; items?: unknown[] } | { kind: 'more'; estimate?: number | undefined } | { kind: 'unknown' };

type SliceRead = (from: number, to: number, page: number, perPage: number) => Promise<ListAnswer>;

/** One answer to a slice: its records, whether they are the whole slice, and the page size applied. */
interface SliceAnswer {
  answer: ListAnswer;
  items: unknown[];
  verdict: Exclude<Verdict, { kind: 'unknown' }>;
  /** Records a slice should aim at (targetFill of the page size). */
  fill: number;
  pageSize: number;
}

/** What the walk has learned of the server's page size when no header states it. */
interface PageSize {
  /** Pages are cut at this size (a page of this many had a next one). */
  cap?: number;
  /** Pages hold at least this many (the largest page seen). */
  floor: number;
}

export function walkWindow<T>(walk: WindowWalk): AsyncGenerator<WindowChunk<T>> {
  return new WindowWalker<T>(walk).chunks();
}

class WindowWalker<T> {
  private endMs: number;
  private fromMs: number;
  private width: number;
  private reads = 0;
  private readonly size: PageSize = { floor: 0 };
  /** Records (id@updated_at) delivered in the second the next slice starts with: not delivered again. */
  private boundary = new Set<string>();
  /** Where the coming slices end (ascending), planned from a slice that did not fit; then `width` again. */
  private cuts: number[] = [];
  /** The last slice that did not fit in one answer and its Total, while the walk is inside it (restEmpty). */
  private parent: { fromMs: number; toMs: number; total: number } | undefined;
  /** A crowded slice planned after the next one (skippedToCrowd). */
  private crowd: { fromMs: number; toMs: number } | undefined;
  /** The next slice, read before the crowded slice before it was paged (crowdedRunEnd), or a planned crowded slice (skippedToCrowd). */
  private ahead: { fromMs: number; toMs: number; slice: SliceAnswer } | undefined;

  constructor(private readonly walk: WindowWalk) {
    this.endMs = Date.parse(walk.window.end);
    this.fromMs = Date.parse(walk.position?.from ?? walk.window.start);
    this.width = walk.position?.sliceSeconds ?? Math.max(1, (this.endMs - this.fromMs) / 1000);
    const seen = walk.position?.page === 1 ? walk.position.seenTotal : undefined;
    if (seen !== undefined) this.parent = { fromMs: this.fromMs, toMs: this.endMs, total: seen };
  }

  async *chunks(): AsyncGenerator<WindowChunk<T>> {
    const { position } = this.walk;
    // A position past the window's end: the window was read (a hand-over before the removal pass).
    if (this.fromMs > this.endMs) return;
    if (!this.walk.sliceable) {
      yield* this.paged(this.fromMs, this.endMs, position?.page ?? 1, position?.seenTotal, false);
      return;
    }
    if (position && position.page > 1) {
      // A continuation inside a crowded slice: the rest of it first.
      const toMs = Math.min(this.endMs, this.fromMs + (position.sliceSeconds ?? CROWDED_SPAN) * 1000);
      yield* this.paged(this.fromMs, toMs, position.page, position.seenTotal, true);
      if (toMs >= this.endMs) return;
      this.fromMs = toMs;
      this.width = (this.endMs - toMs) / 1000;
    }
    for (;;) {
      if (await this.skippedToCrowd()) continue;
      const fromMs = this.fromMs;
      const toMs = Math.min(this.endMs, this.cuts[0] ?? fromMs + Math.max(1, Math.floor(this.width)) * 1000);
      const ahead = this.ahead?.fromMs === fromMs && this.ahead.toMs === toMs ? this.ahead.slice : undefined;
      if (ahead) this.ahead = undefined;
      const slice = ahead ?? (await this.readSlice(fromMs, toMs));
      const span = (toMs - fromMs) / 1000;
      if (slice.verdict.kind === 'more' && span > CROWDED_SPAN) {
        const plan = plannedCuts(fromMs, toMs, slice.items, slice.verdict.estimate, slice.pageSize);
        // A plan that stops short of toMs (a thin sample) is followed by the density each read shows.
        this.cuts = plan.at(-1) === toMs ? [...plan, ...this.cuts.slice(1)] : plan;
        const total = headerInt(slice.answer.headers, 'total');
        this.parent = total === undefined ? undefined : { fromMs, toMs, total };
        const crowd = crowdedSecond(slice.items, slice.pageSize);
        this.crowd = crowd !== undefined && crowd - 1000 > fromMs && this.cuts[1] === crowd + 1000 ? { fromMs: crowd - 1000, toMs: crowd + 1000 } : undefined;
        // Nothing to deliver, but the caller may be short of time: it can hand over from here.
        yield { items: [], next: this.position(fromMs, (this.cuts[0]! - fromMs) / 1000), windowEnd: toProcoreTime(this.endMs) };
        continue;
      }
      if (this.cuts[0] === toMs) this.cuts.shift();
      if (slice.verdict.kind === 'more') {
        const goOn = yield* this.crowdedSlice(fromMs, toMs, slice);
        if (goOn >= this.endMs) return;
        this.fromMs = goOn;
        continue;
      }
      const items = (slice.verdict.items ?? slice.items) as T[];
      this.width = nextWidth(span, items.length, slice.fill, (this.endMs - toMs) / 1000);
      // The next slice starts at this one's end: that second is read again (see the header).
      const sliceSeconds = this.cuts[0] === undefined ? this.width : (this.cuts[0] - toMs) / 1000;
      const next = toMs >= this.endMs ? undefined : this.position(toMs, sliceSeconds);
      const seen = new Set<string>();
      const fresh = this.once(items, seen);
      this.boundary = inSecond(seen, toMs);
      yield { items: fresh, next, windowEnd: toProcoreTime(this.endMs) };
      if (toMs >= this.endMs) return;
      this.fromMs = toMs;
    }
  }

  /**
   * Before the slice that ends where a planned crowded slice begins: reads the crowded slice's first
   * page now, and when it shows the rest of the slice it was cut from empty (restEmpty) the walk
   * starts there instead. Otherwise that page is kept for when the walk gets there.
   */
  private async skippedToCrowd(): Promise<boolean> {
    const crowd = this.crowd;
    if (crowd === undefined || this.cuts[0] !== crowd.fromMs || this.fromMs >= crowd.fromMs) return false;
    this.crowd = undefined;
    const slice = await this.readSlice(crowd.fromMs, crowd.toMs);
    this.ahead = { ...crowd, slice };
    if (this.restEmpty(crowd.fromMs, crowd.toMs, slice.answer) === undefined) return false;
    this.cuts.shift();
    this.fromMs = crowd.fromMs;
    return true;
  }

  /** A position at a slice's start, with the Total of the rest of the window when the walk read it (restEmpty). */
  private position(fromMs: number, sliceSeconds: number): WindowPosition {
    const rest = this.parent?.toMs === this.endMs ? { seenTotal: this.parent.total } : {};
    return { from: toProcoreTime(fromMs), page: 1, sliceSeconds, ...rest };
  }

  /** Pages a crowded slice (`slice` is its first page); returns where the walk goes on after it. */
  private async *crowdedSlice(fromMs: number, toMs: number, slice: SliceAnswer): AsyncGenerator<WindowChunk<T>, number> {
    const restEnd = this.restEmpty(fromMs, toMs, slice.answer);
    const runEnd = restEnd === undefined ? await this.crowdedRunEnd(toMs) : toMs;
    const goOn = restEnd ?? runEnd;
    yield* this.paged(fromMs, runEnd, 1, undefined, true, runEnd === toMs ? slice.answer : undefined, goOn);
    this.cuts = this.cuts.filter((cut) => cut > goOn);
    this.width = (this.endMs - goOn) / 1000;
    return goOn;
  }

  /**
   * The end of the slice whose overflow planned this crowded one (`parent`), when this one holds as
   * many records as that one did (Total): the rest of it was empty when it was read, and records
   * only leave it since (none enter a second before the window's last, see the header), so there is
   * nothing to read between this slice's end and that one's. Undefined when that is not shown.
   */
  private restEmpty(fromMs: number, toMs: number, answer: ListAnswer): number | undefined {
    const parent = this.parent;
    const total = headerInt(answer.headers, 'total');
    if (parent === undefined || total === undefined || total !== parent.total) return undefined;
    if (fromMs < parent.fromMs || toMs > parent.toMs || toMs >= this.endMs - ENTRY_SECONDS * 1000) return undefined;
    return parent.toMs;
  }

  /**
   * Where a crowded slice ending at `toMs` should end instead: its last second is read again by the
   * next slice (they share it), so while that second holds more records than a page on its own the
   * slice takes it whole and ends a second later. The read that tells (the next slice, from that
   * second) is kept as the next slice's answer when its second is not crowded.
   */
  private async crowdedRunEnd(toMs: number): Promise<number> {
    let runEnd = toMs;
    for (;;) {
      if (runEnd >= this.endMs) return runEnd;
      const nextTo = Math.min(this.endMs, this.cuts[0] ?? this.endMs);
      const slice = await this.readSlice(runEnd, nextTo);
      if (!(slice.verdict.kind === 'more' && crowdedAt(runEnd, slice.items, slice.pageSize))) {
        this.ahead = { fromMs: runEnd, toMs: nextTo, slice };
        return runEnd;
      }
      runEnd += 1000;
      this.cuts = this.cuts.filter((cut) => cut > runEnd);
    }
  }

  /** One read of a slice and whether it holds the whole slice (asking page 2 when nothing says). */
  private async readSlice(fromMs: number, toMs: number): Promise<SliceAnswer> {
    const answer = await this.read(fromMs, toMs, 1, this.walk.perPage);
    const items = listItems<unknown>(answer.data, `${this.walk.label} updated ${toProcoreTime(fromMs)}...${toProcoreTime(toMs)}`);
    const told = sliceVerdict(answer, items.length, this.walk.perPage, this.size);
    const verdict = told.kind === 'unknown' ? await probe(this.read, fromMs, toMs, this.walk.perPage, items.length, this.size) : told;
    this.size.floor = Math.max(this.size.floor, items.length);
    const pageSize = headerInt(answer.headers, 'per-page') ?? this.size.cap ?? this.walk.perPage;
    return { answer, items, verdict, fill: targetFill(pageSize, DENSITY_NOISE), pageSize };
  }

  private readonly read: SliceRead = async (from, to, page, perPage) => {
    if (++this.reads > (this.walk.maxReads ?? DEFAULT_MAX_PAGES)) throw readLimit(this.walk.label, this.walk.maxReads ?? DEFAULT_MAX_PAGES);
    const answer = await this.walk.read({ from: toProcoreTime(from), to: toProcoreTime(to) }, page, perPage);
    if (this.reads === 1) this.endMs = clampedEnd(this.walk, this.endMs, answer);
    return answer;
  };

  /**
   * Pages [fromMs, toMs] with walkPages: a crowded slice (more records in a second than a page), or a
   * list without an updated_at filter (whole; its positions stay at fromMs).
   */
  private async *paged(
    fromMs: number,
    toMs: number,
    startPage: number,
    seenTotal: number | undefined,
    crowded: boolean,
    firstAnswer?: ListAnswer,
    goOnMs = toMs,
  ): AsyncGenerator<WindowChunk<T>> {
    const from = toProcoreTime(fromMs);
    const label = crowded ? `${this.walk.label} updated ${from}...${toProcoreTime(toMs)}` : this.walk.label;
    if (crowded) this.walk.logger.info('More records share a second of updated_at than a page holds: paging that slice', { list: label });
    const seen = new Set<string>();
    for await (const page of walkPages<T>({
      label,
      perPage: this.walk.perPage,
      startPage,
      ...(seenTotal === undefined ? {} : { knownTotal: seenTotal }),
      ...(firstAnswer ? { firstAnswer } : {}),
      read: (page, perPage) => this.read(fromMs, toMs, page, perPage),
      onShift: ({ page, restartAt }) =>
        this.walk.logger.warn('The list shifted while paged; reading again from an earlier page', { list: label, page, restartAt }),
    })) {
      const sliceSeconds = (toMs - fromMs) / 1000;
      const next: WindowPosition | undefined = page.hasNext
        ? { from, page: page.page + 1, ...(page.total === undefined ? {} : { seenTotal: page.total }), ...(crowded ? { sliceSeconds } : {}) }
        : !crowded || goOnMs >= this.endMs
          ? undefined
          : { from: toProcoreTime(goOnMs), page: 1, sliceSeconds: (this.endMs - goOnMs) / 1000 };
      const items = crowded ? this.once(page.items, seen) : page.items;
      if (!page.hasNext) this.boundary = inSecond(seen, goOnMs);
      yield { items, next, windowEnd: toProcoreTime(this.endMs) };
    }
  }

  /** The items not delivered yet: not in the boundary second the slice began with, nor earlier in the slice (`seen`: a re-read after a shift). */
  private once(items: T[], seen: Set<string>): T[] {
    return items.filter((item) => {
      const key = keyOf(item);
      if (key === undefined) return true;
      if (this.boundary.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

/** The keys (id@updated_at) whose updated_at falls in the second starting at `secondMs`. */
function inSecond(keys: Set<string>, secondMs: number): Set<string> {
  return new Set([...keys].filter((key) => Math.floor(Date.parse(key.slice(key.indexOf('@') + 1)) / 1000) * 1000 === secondMs));
}

/** A record's identity for the boundary check: its id and updated_at (undefined when unreadable). */
function keyOf(item: unknown): string | undefined {
  const record = item as { id?: unknown; updated_at?: unknown } | null;
  const id = integerText(record?.id);
  return id === undefined || typeof record?.updated_at !== 'string' ? undefined : `${id}@${record.updated_at}`;
}

/**
 * The width (seconds) of the slice after one of `span` seconds that held `count` records: to the
 * end of the window when that one was nearly empty (a sparse stretch is crossed in one read; an
 * overshoot costs one read, which narrowing then cuts right), else as wide as should hold `fill`
 * records at that density.
 */
function nextWidth(span: number, count: number, fill: number, remaining: number): number {
  if (count <= fill / 4) return Math.max(1, remaining);
  return Math.max(1, Math.floor((Math.max(span, 1) * fill) / count));
}

/**
 * Where the slices that replace [fromMs, toMs] end, after it did not fit in one answer (the last
 * one ends at toMs, unless the sample is thin: then only the first is placed). A full page of one
 * second is a crowded second: the slice before it, then a crowded slice around it. Otherwise the
 * records of that answer are a sample of the slice: cut into equal shares that should each hold
 * about `fill` records (targetFill for this sample), each a second before the sampled record where it
 * should end (or after it, a crowded second). In a list ordered by updated_at the answer is the
 * slice's earliest records: one cut at `fill` of them. Without usable times, by the count Total or
 * Link gave (as if evenly spread), else in half. The first slice is always narrower than [fromMs, toMs].
 */
function plannedCuts(fromMs: number, toMs: number, items: unknown[], estimate: number | undefined, pageSize: number): number[] {
  const span = (toMs - fromMs) / 1000;
  // A full page of one second: that second is crowded, and read next in a crowded slice of its own.
  const second = crowdedSecond(items, pageSize);
  if (second !== undefined && second >= fromMs && second + 1000 < toMs) {
    return [...(second - 1000 > fromMs ? [second - 1000] : []), second + 1000, toMs];
  }
  const inOrder = items.map(updatedAtOf).filter((t) => t >= fromMs && t <= toMs);
  const count = Math.max(estimate ?? 2 * items.length, inOrder.length, 1);
  const sorted = [...inOrder].sort((a, b) => a - b);
  const ascending = inOrder.every((t, i) => i === 0 || t >= inOrder[i - 1]!);
  const fill = ascending ? targetFill(pageSize, DENSITY_NOISE) : targetFill(pageSize, count / Math.max(1, sorted.length));
  const fallback = fromMs + Math.max(1, Math.min(Math.floor(span / 2), Math.floor((span * fill) / count))) * 1000;
  // Equal shares of the slice, each within `fill`; a sample too thin to place them all places the first.
  const perSlice = sorted.length / Math.max(2, Math.ceil(count / fill));
  const thin = !ascending && fill < THIN_SAMPLE * targetFill(pageSize, DENSITY_NOISE);
  // Fewer sampled records than one slice's share: by time, as if the slice were evenly spread.
  if (thin && perSlice < 1) return [Math.min(fallback, toMs - 1000)];
  // In order, the answer is the slice's earliest records: one cut, at `fill` of them (or the last).
  const step = ascending ? Math.min(fill, sorted.length - 1) : perSlice;
  const cuts: number[] = [];
  for (let rank = step; rank > 0 && rank < sorted.length; rank += step) {
    const last = cuts.at(-1) ?? fromMs;
    const at = sorted[Math.floor(rank)]!;
    const cut = at - 1000 >= last + 1000 ? at - 1000 : at + 1000;
    if (cut > last && cut < toMs) cuts.push(cut);
    if (ascending || thin) break;
  }
  if (cuts.length === 0) return [Math.min(fallback, toMs - 1000), toMs];
  return thin ? cuts : [...cuts, toMs];
}

/** Whether a full page of records all fall in the second starting at `secondMs`: that second alone holds more than a page. */
function crowdedAt(secondMs: number, items: unknown[], pageSize: number): boolean {
  return items.length >= pageSize && items.every((item) => Math.floor(updatedAtOf(item) / 1000) * 1000 === secondMs);
}

/** The second (epoch ms) a full page of records all fall in, if they do. */
function crowdedSecond(items: unknown[], pageSize: number): number | undefined {
  const second = Math.floor(updatedAtOf(items[0]) / 1000) * 1000;
  return crowdedAt(second, items, pageSize) ? second : undefined;
}

/** A record's updated_at (epoch ms; NaN when it has none). */
function updatedAtOf(item: unknown): number {
  return Date.parse(String((item as { updated_at?: unknown } | null)?.updated_at ?? ''));
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
  read: SliceRead,
  fromMs: number,
  toMs: number,
  asked: number,
  count: number,
  size: PageSize,
): Promise<Exclude<Verdict, { kind: 'unknown' }>> {
  const second = listItems((await read(fromMs, toMs, 2, asked)).data, 'page 2');
  if (second.length > 0) {
    size.cap = count;
    return { kind: 'more', estimate: count + second.length };
  }
  const again = listItems((await read(fromMs, toMs, 1, asked)).data, 'page 1');
  return { kind: 'complete', items: again };
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
