// Procore's two rate-limit windows (hourly and spike), per client id, on the simulator clock.
// Fixed windows that start at a client's first request in them; every request counts.

export interface RateLimitOptions {
  hourly?: number;
  spike?: number;
  spikeWindowSeconds?: number;
  /** Length of the "hourly" window. Default 3600; the budget bench plays a scaled-down hour (e.g. 60). */
  hourlyWindowSeconds?: number;
  /** Add Retry-After to 429s. Default false: Procore documents only X-Rate-Limit-* on every answer. */
  retryAfter?: boolean;
}

interface Window {
  limit: number;
  lengthMs: number;
  startedAt: number;
  used: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** X-Rate-Limit-* (and Retry-After when limited and enabled). */
  headers: Record<string, string>;
}

const HOUR_MS = 3_600_000;

export class RateLimiter {
  private settings: Required<RateLimitOptions>;
  private readonly windows = new Map<string, { hourly: Window; spike: Window }>();

  constructor(options: RateLimitOptions | undefined) {
    this.settings = RateLimiter.resolve(options);
  }

  static resolve(o: RateLimitOptions | undefined): Required<RateLimitOptions> {
    return {
      hourly: o?.hourly ?? 1_000_000,
      spike: o?.spike ?? 100_000,
      spikeWindowSeconds: o?.spikeWindowSeconds ?? 10,
      hourlyWindowSeconds: o?.hourlyWindowSeconds ?? HOUR_MS / 1000,
      retryAfter: o?.retryAfter ?? false,
    };
  }

  /** New limits start fresh windows (tests set a limit, then count from zero). */
  configure(options: RateLimitOptions | undefined): void {
    this.settings = RateLimiter.resolve(options);
    this.windows.clear();
  }

  get retryAfterEnabled(): boolean {
    return this.settings.retryAfter;
  }

  /** Counts one request for `key` at `now` and says whether it is within both windows. */
  consume(key: string, now: number): RateLimitDecision {
    const w = this.windowsFor(key, now);
    w.hourly.used += 1;
    w.spike.used += 1;
    const over = [w.hourly, w.spike].filter((x) => x.used > x.limit);
    const allowed = over.length === 0;
    // Report the window that runs out first: the exceeded one (latest reset if both), else the one
    // with fewer requests left.
    const report = allowed ? (remaining(w.spike) < remaining(w.hourly) ? w.spike : w.hourly) : over.reduce((a, b) => (resetAt(b) > resetAt(a) ? b : a));
    const headers = rateHeaders(report);
    if (!allowed && this.settings.retryAfter) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil((resetAt(report) - now) / 1000)));
    }
    return { allowed, headers };
  }

  /** Headers for an injected 429 that does not come from the budget: the spike window, empty. */
  burstHeaders(key: string, now: number): Record<string, string> {
    const w = this.windowsFor(key, now);
    const headers = rateHeaders({ ...w.spike, used: w.spike.limit });
    if (this.settings.retryAfter) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil((resetAt(w.spike) - now) / 1000)));
    }
    return headers;
  }

  private windowsFor(key: string, now: number): { hourly: Window; spike: Window } {
    let w = this.windows.get(key);
    if (!w) {
      w = {
        hourly: { limit: this.settings.hourly, lengthMs: this.settings.hourlyWindowSeconds * 1000, startedAt: now, used: 0 },
        spike: { limit: this.settings.spike, lengthMs: this.settings.spikeWindowSeconds * 1000, startedAt: now, used: 0 },
      };
      this.windows.set(key, w);
    }
    for (const win of [w.hourly, w.spike]) {
      if (now >= resetAt(win)) {
        win.startedAt = now;
        win.used = 0;
      }
    }
    return w;
  }
}

function remaining(w: Window): number {
  return Math.max(0, w.limit - w.used);
}

function resetAt(w: Window): number {
  return w.startedAt + w.lengthMs;
}

function rateHeaders(w: Window): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(w.limit),
    'X-Rate-Limit-Remaining': String(remaining(w)),
    'X-Rate-Limit-Reset': String(Math.ceil(resetAt(w) / 1000)),
  };
}
