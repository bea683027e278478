// Clock, sleep and backoff shared by the token provider, the client and the pacer. Injected so
// tests can drive time (e.g. sleep = advance the simulator clock) instead of waiting.

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

export const systemClock: Clock = () => Date.now();
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 10_000 };

/** "Full jitter": a uniform pick in [0, min(cap, base * 2^attempt)), so concurrent retriers spread out. */
export function fullJitterDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** How long to wait before the next attempt: until `retryAt` when the server said so (plus a little
 * jitter so callers released together do not arrive together), else full-jitter backoff. */
export function retryDelay(input: { attempt: number; now: number; retryAt?: number; random: () => number; policy?: BackoffPolicy }): number {
  if (input.retryAt !== undefined) {
    return Math.max(0, input.retryAt - input.now) + Math.floor(input.random() * 100);
  }
  return fullJitterDelay(input.attempt, input.random, input.policy);
}
