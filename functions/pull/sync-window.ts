// Which updated_at window a job reads: from the cursor (minus an overlap) up to the planner run's
// time. The cursor only becomes windowEnd once the whole window is delivered, so a failed or
// timed-out pull is simply read again.
import { toProcoreTime } from '../commons/contracts/procore-time';
import { DEFAULT_INITIAL_LOOKBACK_DAYS, DEFAULT_OVERLAP_SECONDS, type SyncJob } from './sync-job';

export interface SyncWindow {
  start: string;
  end: string;
  /** Why it starts where it does, for logs. */
  basis: 'continuation' | 'full' | 'cursor' | 'initial';
}

/** Full resyncs start here: before any Procore record. */
export const BEGINNING_OF_TIME = '2000-01-01T00:00:00Z';

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

/** Procore's range filter value: `<start>...<end>`, both inclusive, whole seconds in UTC. */
export function updatedAtFilter(window: SyncWindow): string {
  return `${toProcoreTime(Date.parse(window.start))}...${toProcoreTime(Date.parse(window.end))}`;
}
