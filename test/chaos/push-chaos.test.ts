// `npm run chaos`'s push scenario at a small size, as assertions: the real push handler in its own
// processes under the same faults, with redelivery, invalidated tokens and a push worker killed mid-batch.
import { useChaosDeps } from './support/chaos-deps';
import { FAST } from '../../chaos/sizes';
import { runPushChaos } from '../../chaos/scenarios/push';

const deps = useChaosDeps(['push']);

describe('chaos: push (fast size)', () => {
  it('push: nothing lost, no duplicate create, refusals dead-lettered with their reason', async () => {
    const outcome = await runPushChaos(FAST.push, deps());
    expect(outcome.lost).toBe(0);
    expect(outcome.duplicateCreates).toBe(0);
    expect(outcome.refusedAsExpected).toBe(outcome.refusedExpected);
    expect(outcome.refusedExpected).toBeGreaterThan(0);
    expect(outcome.unexpectedDeadLetters).toBe(0);
    expect(outcome.applied).toBe(outcome.messages - outcome.refusedExpected);
    expect(outcome.workersKilled).toBe(1);
    expect(outcome.tokensInvalidated).toBe(1);
    expect(outcome.faults.serverErrors + outcome.faults.rateLimited + outcome.faults.dropped).toBeGreaterThan(0);
    expect(outcome.logScan.hits).toEqual([]);
  });
});
