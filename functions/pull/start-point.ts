// Where a job starts reading: its own position (the start of its window, or where a continuation
// goes on), the same job's checkpoint (it came back after its worker died), or another job's
// checkpoint of the scope (adopted: that job is gone, its lease expired or was given back, and this
// job holds the lease now). An adopted checkpoint brings its window along: the job finishes that
// window first and moves the cursor to its end; the newer part of its own window comes with the next
// planner run. Either way nothing delivered is read again beyond the slice in flight, instead of
// starting over. A checkpoint saved by an older version (no resumeFrom) starts its window over.
import type { SyncCheckpoint } from './state/checkpoint';
import type { SyncJob } from './sync-job';
import { BEGINNING_OF_TIME, syncWindow, type SyncWindow } from './sync-window';
import type { ParentPosition } from './parent-walk';
import type { WindowPosition } from './window-walk';

export interface StartPoint {
  window: SyncWindow;
  /** Where the walk starts in the window (and in which parent's list); undefined: at its start. */
  position: ParentPosition | undefined;
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
  // The job's own checkpoint is never behind its message (a continuation is sent after the checkpoint
  // of its position is saved), and it holds the window as read (its end clamped at the first read).
  if (live && live.jobId === job.jobId) return fromCheckpoint(live, 'resumed');
  // A full resync only takes over a full window: a narrower one would skip what lies before it.
  if (live && (!job.full || live.windowStart === BEGINNING_OF_TIME)) return fromCheckpoint(live, 'adopted');
  return { window: syncWindow(job, cursor), position: jobPosition(job), recordsBefore: 0, basis: 'own' };
}

/** Where a continuation message goes on (undefined for a job that starts its window, or an older message). */
function jobPosition(job: SyncJob): WindowPosition | undefined {
  if (job.resumeFrom === undefined) return undefined;
  return {
    from: job.resumeFrom,
    page: job.startPage ?? 1,
    ...(job.seenTotal === undefined ? {} : { seenTotal: job.seenTotal }),
    ...(job.sliceSeconds === undefined ? {} : { sliceSeconds: job.sliceSeconds }),
  };
}

function fromCheckpoint(saved: SyncCheckpoint, basis: 'resumed' | 'adopted'): StartPoint {
  const position: ParentPosition | undefined =
    saved.resumeFrom === undefined
      ? undefined
      : {
          from: saved.resumeFrom,
          page: saved.nextPage,
          ...(saved.seenTotal === undefined ? {} : { seenTotal: saved.seenTotal }),
          ...(saved.sliceSeconds === undefined ? {} : { sliceSeconds: saved.sliceSeconds }),
          ...(saved.parentId === undefined ? {} : { parentId: saved.parentId }),
        };
  return {
    window: { start: saved.windowStart, end: saved.windowEnd, basis: 'continuation' },
    position,
    recordsBefore: saved.recordsSoFar,
    basis,
    from: saved,
  };
}
