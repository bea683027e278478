// Client-side pacing from Procore's rate-limit headers. Every response says, for the window that
// will run out first, X-Rate-Limit-Limit, -Remaining and -Reset (unix seconds). The pacer keeps
// that picture (minus its own requests still in flight) and, once half the window's budget is
// spent, spreads what remains evenly until the reset, so a long run slows down instead of being
// refused. With no current picture (cold start, or right after a reset) it lets one request probe
// at a time until headers arrive. If responses carry no usable picture (no headers, or a reset
// already past by our clock, i.e. the server's clock disagrees with ours) it does not pace at all.
// One instance per container is shared by every call.
import { ProcoreError } from './errors';
import { realSleep, systemClock, type Clock, type Sleep } from './timing';

export interface RatePacerOptions {
  clock?: Clock;
  sleep?: Sleep;
  /** Requests go out unpaced while more than this fraction of the window's budget remains. Default 0.5. */
  burstFraction?: number;
  /** Extra wait after a reset time, since Reset has one-second granularity. Default 500 ms. */
  resetMarginMs?: number;
}

export interface RateLimitPicture {
  limit: number;
  /** Budget left in the window after the requests this pacer has in flight. */
  remaining: number;
  resetAt: number;
}

export interface PacerPermit {
  /** Call once with the response's status and headers (none when the request failed without one). */
  release(response?: { status: number; headers: Record<string, string> }): void;
}

function headerNumber(headers: Record<string, string>, name: string): number | undefined {
  const raw = headers[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export class RatePacer {
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly burstFraction: number;
  private readonly resetMarginMs: number;
  private picture: RateLimitPicture | undefined;
  private inFlight = 0;
  /** The last response gave nothing to pace by: do not hold requests back waiting for one. */
  private blind = false;
  private lastGrantAt = Number.NEGATIVE_INFINITY;
  private tail: Promise<unknown> = Promise.resolve();
  private releaseWaiters: Array<() => void> = [];

  constructor(options: RatePacerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.burstFraction = options.burstFraction ?? 0.5;
    this.resetMarginMs = options.resetMarginMs ?? 500;
  }

  /** The current picture, if the last known window has not reset yet. */
  current(): RateLimitPicture | undefined {
    const picture = this.picture;
    return picture && this.clock() < picture.resetAt ? { ...picture } : undefined;
  }

  /** Waits for a slot (serialised, so spacing holds across concurrent callers). Throws a transient
   * ProcoreRateLimited when the wait would run past `deadline`. */
  acquire(deadline: number): Promise<PacerPermit> {
    const turn = this.tail.then(() => this.waitForSlot(deadline));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(deadline: number): Promise<PacerPermit> {
    for (;;) {
      const now = this.clock();
      const picture = this.current();
      if (!picture) {
        if (this.inFlight === 0 || this.blind) return this.grant(now);
        await this.nextRelease(deadline - now);
        if (this.clock() >= deadline && this.inFlight > 0) throw this.outOfTime(undefined);
        continue;
      }
      let wait = 0;
      if (picture.remaining <= 0) {
        wait = picture.resetAt - now + this.resetMarginMs;
      } else if (picture.remaining <= picture.limit * this.burstFraction) {
        wait = this.lastGrantAt + (picture.resetAt - now) / picture.remaining - now;
      }
      if (wait <= 0) return this.grant(now);
      if (now + wait > deadline) throw this.outOfTime(now + wait);
      await this.sleep(wait);
      if (picture.remaining <= 0) this.picture = undefined; // the window has reset: probe again
    }
  }

  private grant(now: number): PacerPermit {
    this.inFlight += 1;
    this.lastGrantAt = now;
    if (this.picture) this.picture.remaining -= 1;
    let released = false;
    return {
      release: (response) => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        if (response) this.observe(response.status, response.headers);
        const waiters = this.releaseWaiters;
        this.releaseWaiters = [];
        for (const wake of waiters) wake();
      },
    };
  }

  /** Learns from a response's headers (any status: every request counts against the budget). */
  observe(status: number, headers: Record<string, string>): void {
    const limit = headerNumber(headers, 'x-rate-limit-limit');
    let remaining = headerNumber(headers, 'x-rate-limit-remaining');
    const reset = headerNumber(headers, 'x-rate-limit-reset');
    if (limit === undefined || remaining === undefined || reset === undefined) {
      this.blind = true;
      return;
    }
    const now = this.clock();
    let resetAt = reset * 1000;
    if (status === 429) {
      remaining = 0;
      const retryAfter = headerNumber(headers, 'retry-after');
      if (retryAfter !== undefined) resetAt = Math.max(resetAt, now + retryAfter * 1000);
    }
    if (resetAt <= now) {
      this.blind = true;
      return;
    }
    this.blind = false;
    const fresh = remaining - this.inFlight;
    const known = this.current();
    const sameWindow = known !== undefined && known.limit === limit && Math.abs(known.resetAt - resetAt) < 1000;
    // Responses arrive out of order: within one window the lowest count is the truest.
    this.picture = { limit, remaining: sameWindow ? Math.min(known.remaining, fresh) : fresh, resetAt };
  }

  private nextRelease(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      // A real timer: the bound is on wall time even when `sleep` is a fake that moves a test clock.
      const timer = setTimeout(resolve, Math.max(0, maxWaitMs));
      timer.unref?.();
      this.releaseWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private outOfTime(retryAt: number | undefined): ProcoreError {
    return new ProcoreError({
      message: "Procore rate-limit budget is spent until after this call's deadline",
      kind: 'transient',
      errorClass: 'ProcoreRateLimited',
      ...(retryAt === undefined ? {} : { retryAt: Math.ceil(retryAt) }),
    });
  }
}

/** The container-wide pacer: the rate limit is per app, so every client in a process shares it. */
export const sharedRatePacer = new RatePacer();
