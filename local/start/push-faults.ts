// Transient Procore faults for npm start's push phase, so the run exercises the retry path: for
// the first seconds of the phase Procore answers every REST request 5xx or drops its connection
// (which of the two is drawn from the simulator's seeded PRNG). The client retries what is safe to
// repeat, up to its attempt limit; a create Procore cannot deduplicate (no origin_id) is not
// repeated in place. Either way some messages go back to the queue as batch item failures, come
// back, and must still be applied exactly once.
import type { FaultOptions } from '../../simulator';

/** Long enough that calls run out of client attempts (8, full-jitter backoff from 250 ms). */
export const PUSH_OUTAGE_MS = 8000;

export function pushPhaseFaults(outageMs = PUSH_OUTAGE_MS, now = Date.now): FaultOptions {
  const until = now() + outageMs;
  return { serverErrorRate: 0.5, dropConnectionRate: 0.5, only: () => now() < until };
}
