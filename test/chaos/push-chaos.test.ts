// `npm run chaos`'s push scenario at a small size, as assertions: the real push handler in its own
// processes under the same faults, with redelivery, invalidated tokens and a push worker killed
// mid-batch; AWS failing too (state writes throttled after Procore's answer, SendMessageBatch failing
// in part and whole, Secrets Manager refusing reads, a worker killed between Procore's answer and its
// state write); no Procore write carrying an origin_id its message did not.
import { useChaosDeps } from './support/chaos-deps';
import { FAST } from '../../chaos/sizes';
import { runPushChaos } from '../../chaos/scenarios/push';
import { describeForeignOriginId } from '../../simulator';

const deps = useChaosDeps(['push']);

describe('chaos: push (fast size)', () => {
  it("push: nothing lost, no create made twice, every dead letter with the connector's reason", async () => {
    const outcome = await runPushChaos(FAST.push, deps());
    expect(outcome.lost).toBe(0);
    expect(outcome.duplicateCreates).toBe(0);
    expect(outcome.deadLettersWithoutReason).toBe(0);
    expect(outcome.refusedAsExpected).toBe(outcome.refusedExpected);
    expect(outcome.refusedExpected).toBeGreaterThan(0);
    expect(outcome.unexpectedDeadLetters).toBe(0);
    // A create that got no answer is dead-lettered for a person to check, made or not, never repeated.
    const unknownNotMade = outcome.createOutcomeUnknown - outcome.createOutcomeUnknownMade;
    expect(outcome.applied).toBe(outcome.messages - outcome.refusedExpected - unknownNotMade);
    expect(outcome.workersKilled).toBe(2);
    expect(outcome.killedAfterAnswer).toBe(1);
    expect(outcome.tokensInvalidated).toBe(1);
    expect(outcome.faults.serverErrors + outcome.faults.rateLimited + outcome.faults.dropped).toBeGreaterThan(0);
    expect(outcome.awsFaults.stateWritesRefused).toBeGreaterThan(0);
    expect(outcome.awsFaults.sendBatchPartial + outcome.awsFaults.sendBatchFailed).toBeGreaterThan(0);
    expect(outcome.awsFaults.secretReadsRefused).toBeGreaterThan(0);
    expect(outcome.logScan.hits).toEqual([]);
    // No write carried an origin_id its message did not (faulted and repeated writes included).
    expect(outcome.originIds.writesChecked).toBeGreaterThan(0);
    expect(outcome.originIds.foreign.map(describeForeignOriginId)).toEqual([]);
  });
});
