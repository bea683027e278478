// Which updated_at window a job reads: from the cursor (minus an overlap) up to the planner run's
// time. The cursor only becomes windowEnd once the whole window is delivered, so a failed or
// timed-out pull is simply read again.
import { toProcoreTime } from '../commons/contracts/procore-time';
import type { LoggerLike } from '../commons/observability/logger';
import type { SyncCursor } from './state/cursor';
import type { SyncJob } from './sync-job';

export interface SyncWindow {
  start: string;
  end: string;
  /** Why it starts where it does, for logs. */
  basis: 'continuation' | 'full' | 'cursor' | 'initial';
}

/** Full resyncs start here: before any Procore record. */
export const BEGINNING_OF_TIME = '2000-01-01T00:00:00Z';

// A job that does not say how far back or how much overlap (here, not beside SyncJobSchema: the
// events consumer reads windows without parsing sync jobs, and so without building their schema).
export const DEFAULT_INITIAL_LOOKBACK_DAYS = 365;
export const DEFAULT_OVERLAP_SECONDS = 300;

const DAY_MS = 24 * 3600 * 1000;

export function syncWindow(job: SyncJob, cursor: string | undefined): SyncWindow {
  const end = job.windowEnd;
  if (job.windowStart) return { start: job.windowStart, end, basis: 'continuation' };
  if (job.full) return { start: BEGINNING_OF_TIME, end, basis: 'full' };
  if (cursor !== undefined) {
    const overlapMs = (job.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
    return { start: toProcoreTime(Math.min(Date.parse(cursor) - overlapMs, Date.parse(end))), end, basis: 'cursor' };
  }
  const lookbackMs = (job.initialLookbackDays ?? DEFAULT_INITIAL_LOOKBACK_DAYS) * DAY_MS;
  return { start: toProcoreTime(Date.parse(end) - lookbackMs), end, basis: 'initial' };
}

/** A cursor this much later than the end of the pull that wrote it is not trusted (clocks disagree by less). */
const CURSOR_SKEW_MS = 60_000;

/**
 * The cursor a window starts from. A cursor is never later than the time its window was read, so
 * never later than the end of the pull that wrote it; one that is (an older version took a scheduled
 * event's time, a day ahead, as the window's end) claims records that were never read: the window
 * starts from that pull's end instead, and logs it. (The cursor itself only moves forward, so this
 * lasts until the clock passes it.)
 */
export function trustedCursor(stored: SyncCursor | undefined, logger: LoggerLike): string | undefined {
  const finishedAt = stored?.lastPull?.finishedAt;
  if (stored === undefined || finishedAt === undefined) return stored?.cursor;
  if (Date.parse(stored.cursor) <= Date.parse(finishedAt) + CURSOR_SKEW_MS) return stored.cursor;
  logger.warn('The cursor is later than the pull that set it finished: reading from when that pull finished', { cursor: stored.cursor, finishedAt });
  return toProcoreTime(Date.parse(finishedAt));
}

/** Procore's range filter value: `<start>...<end>`, both inclusive, whole seconds in UTC. */
export function updatedAtFilter(window: SyncWindow): string {
  return `${toProcoreTime(Date.parse(window.start))}...${toProcoreTime(Date.parse(window.end))}`;
}
