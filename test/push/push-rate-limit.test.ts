// A 429 storm: Procore's hourly budget is spent. Messages that hit it are not dead-lettered; they
// go back to the queue held invisible until Procore's reset (not retried after the queue's short
// visibility timeout), while the queue's maxReceiveCount still bounds them.
import { startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  // Two REST calls an hour; the push queue's own visibility timeout is 1 s.
  h = await startPushHarness({ simulator: { rateLimit: { hourly: 2, retryAfter: true } }, visibilityTimeoutSeconds: 1 });
});

afterAll(async () => {
  await h?.close();
});

describe('push: rate limited by Procore', () => {
  it('delays the messages until the reset instead of dead-lettering them', async () => {
    const { companyId, sim } = h;
    const messages = Array.from({ length: 6 }, (_, i) => ({
      version: 1,
      id: `storm-${i}`,
      companyId,
      resource: 'vendors',
      operation: 'create',
      data: { name: `Storm Vendor ${i}` },
    }));
    await h.send(messages);

    const batch = await h.play({ batchSize: 10, timeoutMs: 3000 });
    expect(batch.messages).toHaveLength(6);
    const created = sim.store.list('vendors', { companyId }).filter((v) => String(v.name).startsWith('Storm Vendor'));
    expect(created.length).toBeLessThanOrEqual(2);
    expect(batch.failed).toHaveLength(6 - created.length);

    // Nothing dead-lettered, no results for unfinished messages.
    expect(await h.deadLetters()).toEqual([]);
    expect((await h.results()).map((r) => r.status)).toEqual(created.map(() => 'applied'));

    // Past the queue's 1 s visibility timeout the failed messages are still held (until the reset).
    await new Promise((r) => setTimeout(r, 2500));
    expect(await h.queueCounts()).toEqual({ visible: 0, inFlight: batch.failed.length });
  });
});
