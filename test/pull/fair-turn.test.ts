// The worker's share of the rate budget, as plain logic: turns between scopes (fair-turn.ts) and
// waiting out a spent budget with a held-back continuation (rate-limit-wait.ts), the latter on the
// pacer's own fake clock. pull-budget.test.ts plays both against the simulator.
import { ProcoreError } from '../../functions/commons/procore/errors';
import { RatePacer } from '../../functions/commons/procore/rate-pacer';
import { FairTurn } from '../../functions/pull/fair-turn';
import { budgetResetAt, continuationDelaySeconds, MAX_DELAY_SECONDS } from '../../functions/pull/rate-limit-wait';

/** Plays `pages` list answers through a turn as readWindow does; returns the page it hands over after (or undefined). */
async function play(turn: FairTurn, pages: number): Promise<{ handOverAfter: number | undefined; readAheadRefused: number[] }> {
  const readAheadRefused: number[] = [];
  for (let page = 1; page <= pages; page++) {
    if (!turn.mayReadAhead()) readAheadRefused.push(page);
    if (await turn.passed()) return { handOverAfter: page, readAheadRefused };
  }
  return { handOverAfter: undefined, readAheadRefused };
}

describe('FairTurn', () => {
  it('ends the turn after its pages when other jobs wait, and then starts no read ahead', async () => {
    const asked: number[] = [];
    let page = 0;
    const turn = new FairTurn({
      pagesPerTurn: 3,
      othersWaiting: async () => {
        asked.push(page);
        return true;
      },
    });
    const pages: boolean[] = [];
    for (page = 1; page <= 5; page++) pages.push(await turn.passed());
    expect(pages).toEqual([false, false, true, true, true]);
    expect(asked).toEqual([3]);
    expect(turn.mayReadAhead()).toBe(false);
  });

  it('keeps reading with nobody waiting, asking the queue once per turn', async () => {
    let asks = 0;
    const turn = new FairTurn({
      pagesPerTurn: 4,
      othersWaiting: async () => {
        asks += 1;
        return false;
      },
    });
    await expect(play(turn, 12)).resolves.toEqual({ handOverAfter: undefined, readAheadRefused: [] });
    expect(asks).toBe(3);
  });

  it('hands over at the first turn end after another job arrives', async () => {
    let waiting = false;
    const turn = new FairTurn({ pagesPerTurn: 2, othersWaiting: async () => waiting });
    await expect(play(turn, 3)).resolves.toEqual({ handOverAfter: undefined, readAheadRefused: [] });
    waiting = true;
    // Page 4 ends the second turn: the job hands over.
    await expect(play(turn, 2)).resolves.toEqual({ handOverAfter: 1, readAheadRefused: [] });
  });
});

describe('a spent rate budget', () => {
  const now = 1_800_000_000_000;

  it('holds the continuation until the reset, in whole seconds, at most SQS’s 15 minutes', () => {
    expect(continuationDelaySeconds(now + 12_300, now)).toBe(13);
    expect(continuationDelaySeconds(now + 3_600_000, now)).toBe(MAX_DELAY_SECONDS);
    expect(continuationDelaySeconds(now - 5_000, now)).toBe(0);
  });

  it('is recognised only from a rate-limit error that says when the budget is back', () => {
    const limited = (retryAt?: number) =>
      new ProcoreError({ message: 'spent', kind: 'transient', errorClass: 'ProcoreRateLimited', ...(retryAt === undefined ? {} : { retryAt }) });
    expect(budgetResetAt(limited(now + 1000))).toBe(now + 1000);
    expect(budgetResetAt(limited())).toBeUndefined();
    expect(budgetResetAt(new ProcoreError({ message: 'down', kind: 'transient', errorClass: 'ProcoreServerError', retryAt: now }))).toBeUndefined();
    expect(budgetResetAt(new Error('ProcoreRateLimited'))).toBeUndefined();
  });

  it("turns the pacer's refusal to wait past the deadline into a continuation held to the window's reset", async () => {
    let clock = now;
    const pacer = new RatePacer({ clock: () => clock, sleep: async (ms) => void (clock += ms) });
    const resetAt = now + 40 * 60_000;
    (await pacer.acquire(now + 1000)).release({
      status: 200,
      headers: { 'x-rate-limit-limit': '3600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt / 1000) },
    });
    // Four minutes of the worker left: the 40 minutes to the reset do not fit.
    const refused = await pacer.acquire(now + 240_000).catch((error: unknown) => error);
    const notBefore = budgetResetAt(refused);
    expect(notBefore).toBe(resetAt + 500);
    expect(clock).toBe(now); // it did not sleep
    expect(continuationDelaySeconds(notBefore!, clock)).toBe(MAX_DELAY_SECONDS);
    clock = resetAt - 60_000;
    expect(continuationDelaySeconds(notBefore!, clock)).toBe(61);
  });
});
