// The function died (crash, timeout, out of memory) on a message's last attempt. The push queue's
// redrive allows one receive more than the connector's attempts, so the message comes back once
// more instead of being moved to the DLQ by SQS without a reason; on that spare receive the
// connector dead-letters it at once as PreviousAttemptDied and asks Procore nothing for it, while
// the other messages of its batch are applied as usual.
import { receiveMessages } from '../../local/sqs-event-source';
import { bodyOf, MAX_ATTEMPTS, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
});

it('dead-letters a message received after its last attempt died, with that reason and no Procore request', async () => {
  const vendor = (i: number) => ({
    version: 1,
    id: `died-${i}`,
    companyId: h.companyId,
    resource: 'vendors',
    operation: 'upsert',
    originId: `ERP-DIED-${i}`,
    data: { name: `Died Vendor ${i}` },
  });
  const doomed = vendor(1);
  await h.send([doomed]);
  // Every attempt the connector makes dies before it answers: each receive ends without a delete.
  for (let receive = 1; receive <= MAX_ATTEMPTS; receive++) {
    expect(await receiveMessages(h.sqs, h.queues.push, 1, { visibilityTimeout: 0 })).toHaveLength(1);
  }
  expect(await h.deadLetters()).toEqual([]);
  const fresh = vendor(2);
  await h.send([fresh]);
  h.sim.clearRequests();

  const batch = await h.play();
  expect(batch.messages.map((m) => m.Attributes?.ApproximateReceiveCount).sort()).toEqual(['1', String(MAX_ATTEMPTS + 1)]);
  expect(batch.failed).toEqual([]);

  const dead = await h.deadLetters();
  expect(dead).toHaveLength(1);
  expect(dead[0]!.body).toBe(bodyOf(doomed));
  expect(dead[0]!.reason).toMatchObject({ errorClass: 'PreviousAttemptDied', attempts: MAX_ATTEMPTS + 1 });
  expect(dead[0]!.reason.message).toMatch(/^the previous attempt ended without an answer: crash, timeout or out of memory/);
  // Only the fresh message reached Procore (one /sync call naming it alone).
  const writes = h.sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
  expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /api/rest/v1.0/vendors/sync']);
  expect(h.sim.store.list('vendors', { companyId: h.companyId }).map((v) => v.origin_id)).toContain('ERP-DIED-2');
  expect(h.sim.store.list('vendors', { companyId: h.companyId }).map((v) => v.origin_id)).not.toContain('ERP-DIED-1');
  expect(await h.results()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: 'died-1', status: 'dead_lettered', reason: expect.objectContaining({ errorClass: 'PreviousAttemptDied' }) }),
      expect.objectContaining({ id: 'died-2', status: 'applied' }),
    ]),
  );
  expect(await h.queueCounts()).toEqual({ visible: 0, inFlight: 0 });
});
