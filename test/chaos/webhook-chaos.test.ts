// `npm run chaos`'s webhook scenario at a small size, as assertions: the simulator delivers record
// changes with duplicates, shuffled order and drops to the real receiver; forged and malformed
// deliveries are sent in between; an events consumer is killed mid-batch; a reconciliation pull follows.
import { useChaosDeps } from './support/chaos-deps';
import { FAST } from '../../chaos/sizes';
import { runWebhookChaos } from '../../chaos/scenarios/webhooks';

const deps = useChaosDeps(['planner', 'worker', 'receiver', 'events']);

describe('chaos: webhooks (fast size)', () => {
  it('webhooks: 0 changes lost after reconciliation, 0 forged deliveries accepted, every malformed one counted', async () => {
    const o = await runWebhookChaos(FAST.webhooks, deps());
    expect(o.lostAfterReconcile).toBe(0);
    expect(o.forgedSent).toBe(FAST.webhooks.forged);
    expect(o.forgedAccepted).toBe(0);
    expect(o.malformedSent).toBe(FAST.webhooks.malformed);
    expect(o.malformedAnswered400).toBe(o.malformedSent);
    expect(o.malformedCountedByReceiver).toBe(o.malformedSent);
    expect({ deadLettered: o.eventsDeadLettered, reasons: o.eventsDeadLetterReasons }).toEqual({ deadLettered: 0, reasons: [] });
    expect(o.logScan.hits).toEqual([]);
    // The chaos really happened: drops the webhook path alone missed, duplicates, a killed consumer.
    expect(o.deliveriesDropped).toBeGreaterThan(0);
    expect(o.deliveriesDuplicated).toBeGreaterThan(0);
    expect(o.deliveriesSentOutOfOrder).toBeGreaterThan(0);
    expect(o.consumersKilled).toBe(1);
    expect(o.killedBatchSize).toBeGreaterThan(0);
    expect(o.consumerInvocationsFailed).toBeGreaterThanOrEqual(1);
    expect(o.webhookEnvelopes).toBeGreaterThan(0);
  });
});
