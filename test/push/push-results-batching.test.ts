// The push handler's AWS calls, counted on the wire by a proxy in front of moto: a batch of ten
// messages (seven applied, three dead-lettered) sends its DLQ copies in one SendMessageBatch and its
// ten results in another, never one SendMessage per message.
import { startAwsRequestCounter, type AwsRequestCounter } from '../../bench/aws-request-counter';
import { appliedIds, bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let counter: AwsRequestCounter;
let h: PushHarness;

beforeAll(async () => {
  // Every client made after this (the harness's and the handler's module-scope ones) goes through it.
  counter = await startAwsRequestCounter(process.env.AWS_ENDPOINT_URL!);
  process.env.AWS_ENDPOINT_URL = counter.endpoint;
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
  await counter?.close();
});

it('sends the DLQ copies and the results of one invocation in SendMessageBatch calls', async () => {
  const { companyId } = h;
  const good = Array.from({ length: 7 }, (_, i) => ({
    version: 1,
    id: `rb-${i}`,
    companyId,
    resource: 'vendors',
    operation: 'create',
    originId: `ERP-RB-${i}`,
    data: { name: `Results Batch Supply ${i}` },
  }));
  const bad = [
    '{"version": 1, "id": "rb-broken", ',
    { version: 1, id: 'rb-widget', companyId, resource: 'widgets', operation: 'create', data: { name: 'x' } },
    { version: 1, id: 'rb-nodata', companyId, resource: 'vendors', operation: 'create' },
  ];
  await h.send([...good, ...bad]);

  counter.reset();
  const batch = await h.play({ batchSize: 10 });
  expect(batch.messages).toHaveLength(10);
  expect(batch.failed).toEqual([]);

  const counts = counter.counts();
  expect(counts['AmazonSQS.SendMessage']).toBeUndefined();
  // One call for the three DLQ copies, one for the ten results.
  expect(counts['AmazonSQS.SendMessageBatch']).toBe(2);

  const results = await h.results();
  expect(appliedIds(results)).toEqual(good.map((m) => m.id).sort());
  expect(
    results
      .filter((r) => r.status === 'dead_lettered')
      .map((r) => r.id)
      .sort(),
  ).toEqual(['rb-nodata', 'rb-widget', null].sort());
  const dead = await h.deadLetters();
  expect(dead.map((d) => d.body).sort()).toEqual(bad.map(bodyOf).sort());
  expect(h.sim.store.list('vendors', { companyId }).filter((v) => String(v.name).startsWith('Results Batch Supply'))).toHaveLength(7);
});
