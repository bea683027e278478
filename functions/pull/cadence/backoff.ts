// How long a scope that failed for good (403 not permitted or tool disabled, 404) waits before the
// planner tries it again: 15 minutes after the first failure, doubling with each failure in a row,
// at most a day. Procore counts repeated 403s against the app's Integration Health and every request
// against the rate budget; the cap keeps a scope that heals (a project permitted again) coming back
// within a day without an operator. Whatever the schedule, a scope that keeps failing is tried at most
// 7 times in its first 24 hours (at the earliest 0, 15 min, 45 min, 1 h 45, 3 h 45, 7 h 45, 15 h 45),
// and then once a day.

const BACKOFF_BASE_MS = 15 * 60_000;
const BACKOFF_MAX_MS = 24 * 3600_000;

/** The wait after the `consecutiveFailures`-th failure in a row (1-based). */
export function backoffDelayMs(consecutiveFailures: number): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(exponent, 20));
}
