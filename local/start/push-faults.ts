// Transient Procore faults for npm start's push phase, so the run exercises the retry path: for
// the first seconds of the phase Procore answers every REST request 5xx or drops its connection
// (drawn from the simulator's seeded PRNG), except plain creates (POST without /sync), which get
// 429s: an answer that says nothing was made. A plain create without originId that got a 5xx or no
// answer may have been made, so the push path dead-letters it as CreateOutcomeUnknown rather than
// risk a second record (README, Push); npm run chaos shows that case. The client retries what is
// safe to repeat, up to its attempt limit; the rest go back to the queue as batch item failures,
// come back, and must still be applied exactly once.
import type { FaultOptions } from '../../simulator';

/** Long enough that calls run out of client attempts (8, full-jitter backoff from 250 ms). */
export const PUSH_OUTAGE_MS = 8000;

const plainCreate = (req: { method: string; path: string }) => req.method === 'POST' && !req.path.endsWith('/sync');

export function pushPhaseFaults(outageMs = PUSH_OUTAGE_MS, now = Date.now): FaultOptions {
  const until = now() + outageMs;
  return {
    ratesFor: (req) => (plainCreate(req) ? { rateLimitBurstRate: 1 } : { serverErrorRate: 0.5, dropConnectionRate: 0.5 }),
    only: () => now() < until,
  };
}
