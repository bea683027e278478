// Pacing from Procore's rate-limit headers, on a fake clock (rate-pacer-budget.test.ts runs the
// client against a small budget on the simulator).
import { ProcoreError } from '../../functions/commons/procore/errors';
import { RatePacer } from '../../functions/commons/procore/rate-pacer';

function fakeTime(start = 1_000_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const headers = (limit: number, remaining: number, resetAt: number) => ({
  'x-rate-limit-limit': String(limit),
  'x-rate-limit-remaining': String(remaining),
  'x-rate-limit-reset': String(Math.ceil(resetAt / 1000)),
});

describe('RatePacer', () => {
  it('lets one request probe at a time until headers say what the budget is', async () => {
    const t = fakeTime();
    const pacer = new RatePacer({ clock: t.clock, sleep: t.sleep });
    const first = await pacer.acquire(t.clock() + 5000);
    let secondGranted = false;
    const second = pacer.acquire(t.clock() + 5000).then((permit) => {
      secondGranted = true;
      return permit;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondGranted).toBe(false);
    first.release({ status: 200, headers: headers(100, 99, t.clock() + 10_000) });
    (await second).release();
    expect(secondGranted).toBe(true);
    expect(pacer.current()).toMatchObject({ limit: 100, remaining: 98 });
  });

  it('goes unpaced while half the budget remains, then spreads the rest until the reset', async () => {
    const t = fakeTime();
    const pacer = new RatePacer({ clock: t.clock, sleep: t.sleep, resetMarginMs: 0 });
    const resetAt = t.clock() + 10_000;
    pacer.observe(200, headers(20, 20, resetAt));
    for (let i = 0; i < 10; i += 1) (await pacer.acquire(resetAt + 60_000)).release();
    expect(t.sleeps).toEqual([]);
    for (let i = 0; i < 10; i += 1) (await pacer.acquire(resetAt + 60_000)).release();
    // The last ten share the ten seconds left evenly: the last one goes out at the reset, not before.
    expect(t.sleeps).toEqual(Array.from({ length: 10 }, () => 1000));
    expect(t.clock()).toBe(resetAt);
  });

  it('waits for the reset when the budget is spent, and refuses to wait past the deadline', async () => {
    const t = fakeTime();
    const pacer = new RatePacer({ clock: t.clock, sleep: t.sleep, resetMarginMs: 0 });
    const resetAt = Math.ceil((t.clock() + 4000) / 1000) * 1000;
    pacer.observe(429, headers(25, 0, resetAt));
    const error = await pacer.acquire(t.clock() + 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcoreError);
    expect(error).toMatchObject({ kind: 'transient', errorClass: 'ProcoreRateLimited', retryAt: resetAt });
    expect(t.sleeps).toEqual([]);
    (await pacer.acquire(t.clock() + 10_000)).release();
    expect(t.clock()).toBe(resetAt);
  });

  it('does not hold requests back when responses give nothing to pace by', async () => {
    const t = fakeTime();
    const pacer = new RatePacer({ clock: t.clock, sleep: t.sleep });
    const probe = await pacer.acquire(t.clock() + 5000);
    // A server whose clock is an hour behind ours: its reset is already past.
    probe.release({ status: 200, headers: headers(20, 19, t.clock() - 3_600_000) });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => pacer.acquire(t.clock() + 5000)));
    expect(concurrent).toHaveLength(5);
    expect(t.sleeps).toEqual([]);
    for (const permit of concurrent) permit.release({ status: 200, headers: {} });
    await expect(Promise.all([pacer.acquire(t.clock() + 10), pacer.acquire(t.clock() + 10)])).resolves.toHaveLength(2);
  });

  it('keeps the lowest remaining count within a window (responses arrive out of order)', () => {
    const t = fakeTime();
    const pacer = new RatePacer({ clock: t.clock, sleep: t.sleep });
    const resetAt = t.clock() + 10_000;
    pacer.observe(200, headers(50, 30, resetAt));
    pacer.observe(200, headers(50, 35, resetAt));
    expect(pacer.current()?.remaining).toBe(30);
    pacer.observe(200, headers(3600, 3000, t.clock() + 3_000_000));
    expect(pacer.current()).toMatchObject({ limit: 3600, remaining: 3000 });
  });
});
