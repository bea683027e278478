// Procore answers 429 (a burst beyond its spike window) with Retry-After: the messages go back to
// the queue held until then, none is dead-lettered.
import { startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({ simulator: { rateLimit: { spikeWindowSeconds: 30, retryAfter: true } }, visibilityTimeoutSeconds: 1 });
});

afterAll(async () => {
  await h?.close();
});

describe('push: 429 answers from Procore', () => {
  it('holds the messages until Retry-After instead of dead-lettering them', async () => {
    const { companyId, sim } = h;
    sim.setFaults({ rateLimitBurstRate: 1, only: (req) => req.method === 'POST' && req.path.endsWith('/rest/v1.0/vendors') });
    const messages = Array.from({ length: 3 }, (_, i) => ({
      version: 1,
      id: `burst-${i}`,
      companyId,
      resource: 'vendors',
      operation: 'create',
      data: { name: `Burst Vendor ${i}` },
    }));
    await h.send(messages);

    const batch = await h.play({ batchSize: 10, timeoutMs: 3000 });
    expect(batch.failed).toHaveLength(3);
    expect(sim.countRequests((r) => r.status === 429 && r.fault === 'rate-limit-burst')).toBeGreaterThan(0);
    expect(sim.store.list('vendors', { companyId }).filter((v) => String(v.name).startsWith('Burst Vendor'))).toEqual([]);
    expect(await h.deadLetters()).toEqual([]);

    // Past the queue's 1 s visibility timeout they are still held.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await h.queueCounts()).toEqual({ visible: 0, inFlight: 3 });
  });
});
