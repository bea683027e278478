// Where a job starts reading: its own position (page 1 of its window, or a continuation's page),
// the same job's checkpoint (it came back after its worker died), or another job's checkpoint of the
// scope (adopted: that job is gone, its lease expired or was given back, and this job holds the lease
// now). An adopted checkpoint brings its window along: the job finishes that window first and moves
// the cursor to its end; the newer part of its own window comes with the next planner run. Either way
// nothing delivered is read again beyond the page in flight, instead of starting over from page 1.
import type { SyncCheckpoint } from './state/checkpoint';
import type { SyncJob } from './sync-job';
import { BEGINNING_OF_TIME, syncWindow, type SyncWindow } from './sync-window';

export interface StartPoint {
  window: SyncWindow;
  nextPage: number;
  /** The list's Total when the position was saved (shrink detection). */
  seenTotal: number | undefined;
  /** Records delivered in this window before this invocation. */
  recordsBefore: number;
  /** own: the job's position; resumed: its own checkpoint; adopted: another job's checkpoint. */
  basis: 'own' | 'resumed' | 'adopted';
  /** The checkpoint resumed or adopted. */
  from?: SyncCheckpoint;
}

export function startPoint(job: SyncJob, saved: SyncCheckpoint | undefined, cursor: string | undefined): StartPoint {
  // A checkpoint of a window the cursor already covers is left over (its job completed): not a position.
  const live = saved && (cursor === undefined || Date.parse(saved.windowEnd) > Date.parse(cursor)) ? saved : undefined;
  if (live && live.jobId === job.jobId && live.windowEnd === job.windowEnd && live.nextPage > (job.startPage ?? 1)) {
    return fromCheckpoint(live, 'resumed');
  }
  // A full resync only takes over a full window: a narrower one would skip what lies before it.
  if (live && live.jobId !== job.jobId && (!job.full || live.windowStart === BEGINNING_OF_TIME)) {
    return fromCheckpoint(live, 'adopted');
  }
  return {
    window: syncWindow(job, cursor),
    nextPage: job.startPage ?? 1,
    seenTotal: job.seenTotal,
    recordsBefore: saved?.jobId === job.jobId && saved.windowEnd === job.windowEnd ? saved.recordsSoFar : 0,
    basis: 'own',
  };
}

function fromCheckpoint(saved: SyncCheckpoint, basis: 'resumed' | 'adopted'): StartPoint {
  return {
    window: { start: saved.windowStart, end: saved.windowEnd, basis: 'continuation' },
    nextPage: saved.nextPage,
    seenTotal: saved.seenTotal,
    recordsBefore: saved.recordsSoFar,
    basis,
    from: saved,
  };
}
