// Progress lines: one per step, prefixed with the seconds since the run started. No spinners, so
// the output reads the same in a terminal, a CI log or a file.
export interface Progress {
  step(message: string): void;
  /** Seconds since the start. */
  elapsed(): number;
}

export function createProgress(write: (line: string) => void, now: () => number = Date.now): Progress {
  const started = now();
  const elapsed = () => (now() - started) / 1000;
  return {
    step: (message) => write(`[${elapsed().toFixed(1).padStart(6)} s] ${message}`),
    elapsed,
  };
}
