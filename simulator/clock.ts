/** The simulator's clock: follows real time, shifted by an offset that tests move (advance/set). */
export interface SimClock {
  now(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function createClock(initialEpochMs: number, realNow: () => number = Date.now): SimClock {
  let offset = initialEpochMs - realNow();
  return {
    now: () => realNow() + offset,
    advance(ms) {
      offset += ms;
    },
    set(epochMs) {
      offset = epochMs - realNow();
    },
  };
}

/** Procore's timestamp format: ISO 8601 in UTC, whole seconds, e.g. 2026-01-15T12:00:00Z. */
export { toProcoreTime } from '../functions/commons/contracts/procore-time';

/** Records keep whole-second timestamps so an inclusive filter bound equals what a client saw. */
export function truncateToSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
