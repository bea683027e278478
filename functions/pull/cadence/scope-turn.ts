// Whether the planner enqueues a scope this run: not while it backs off after failing for good
// (failure.retryAtMs, see backoff.ts), and, for a project that is inactive (closed), at most once a
// day (its last completed pull is the scope's cursor); a content-hash list at most once per its
// declared `fullListingMinutes` (a full listing each time). Everything else every run.

/** An inactive project's tools are pulled once a day: closed projects change rarely, but final costs do. */
const INACTIVE_PROJECT_INTERVAL_MS = 24 * 3600_000;

export type ScopeTurn = 'due' | 'backing-off' | 'resting' | 'between-listings';

export interface ScopeTiming {
  /** False for scopes of an inactive (closed) project; company scopes are always active. */
  projectActive: boolean;
  /** Epoch ms of the scope's cursor: the end of its last completed pull. */
  cursorMs?: number;
  /** Epoch ms before which a scope that failed for good is not tried again. */
  retryAtMs?: number;
  /** Content-hash lists: the least time between two full listings. */
  listingIntervalMs?: number;
}

export function scopeTurn(timing: ScopeTiming, now: number): ScopeTurn {
  if (timing.retryAtMs !== undefined && timing.retryAtMs > now) return 'backing-off';
  if (timing.listingIntervalMs !== undefined && timing.cursorMs !== undefined && now - timing.cursorMs < timing.listingIntervalMs) return 'between-listings';
  if (!timing.projectActive && timing.cursorMs !== undefined && now - timing.cursorMs < INACTIVE_PROJECT_INTERVAL_MS) return 'resting';
  return 'due';
}
