// SQS accepts part of a SendMessageBatch (moto never does, so the failed entries are injected by the
// chaos AWS fault proxy in front of moto, on the handler's real calls): exactly the messages whose
// result or DLQ copy did not get out come back as batch item failures, and their retry reports them
// without writing to Procore again.
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { startAwsFaultProxy, type AwsFault, type AwsFaultProxy } from '../../chaos/aws-fault-proxy';
import { appliedIds, bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;
let proxy: AwsFaultProxy;
/** Which SendMessageBatch entries SQS fails (by queue and body); unset: none. */
let refuse: ((queueUrl: string, body: string) => boolean) | undefined;

beforeAll(async () => {
  proxy = await startAwsFaultProxy({
    target: process.env.AWS_ENDPOINT_URL!,
    decide: ({ operation, body }): AwsFault | undefined => {
      if (!refuse || operation !== 'SendMessageBatch') return undefined;
      const queueUrl = String(body?.QueueUrl);
      const entries = (body?.Entries ?? []) as { MessageBody: string }[];
      const test = refuse;
      return { kind: 'partial-batch', keep: (i) => !test(queueUrl, entries[i]!.MessageBody) };
    },
  });
  // Every SQS call of this file (the handler's and the harness's) goes through the proxy.
  process.env.AWS_ENDPOINT_URL_SQS = proxy.url;
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
  await proxy?.close();
  delete process.env.AWS_ENDPOINT_URL_SQS;
});

it('fails exactly the messages whose result or DLQ copy SQS did not take, and their retry is safe', async () => {
  const { companyId, sim } = h;
  const vendor = (n: number) => ({
    version: 1,
    id: `pf-${n}`,
    companyId,
    resource: 'vendors',
    operation: 'create',
    originId: `ERP-PF-${n}`,
    data: { name: `Partial Failure Supply ${n}` },
  });
  const applied = [1, 2, 3, 4, 5, 6].map(vendor);
  const unknownResource = { version: 1, id: 'pf-widget', companyId, resource: 'widgets', operation: 'create', data: { name: 'x' } };
  const schemaInvalid = { version: 1, id: 'pf-nodata', companyId, resource: 'vendors', operation: 'create' };
  const malformed = '{"version": 1, "id": "pf-broken", ';
  await h.send([...applied, unknownResource, schemaInvalid, malformed]);

  refuse = (queueUrl, body) => {
    if (queueUrl === h.queues.results) return /"id":"(pf-2|pf-5|pf-nodata)"/.test(body);
    if (queueUrl === h.queues.dlq) return body === bodyOf(unknownResource);
    return false;
  };
  const sentBefore = proxy.calls().length;
  const first = await h.play({ batchSize: 10 });
  refuse = undefined;
  expect(first.messages).toHaveLength(9);
  // Results and dead letters went out in batches only (no single SendMessage), some entries refused.
  const sent = proxy.calls().slice(sentBefore);
  expect(sent.filter(({ call }) => call.operation === 'SendMessage')).toEqual([]);
  expect(sent.filter(({ fault }) => fault === 'partial-batch').length).toBeGreaterThan(0);

  // pf-2 and pf-5 were applied but not reported; the unknown resource never reached the DLQ. The
  // schema-invalid one reached the DLQ: its missing result does not send it round again.
  const idOf = (m: unknown) => first.messageIdOf(bodyOf(m));
  expect(first.failed.sort()).toEqual([idOf(applied[1]), idOf(applied[4]), idOf(unknownResource)].sort());
  // Creates that carry originId go to Procore's sync (create-or-update by origin_id): one call for all six.
  const vendorWrites = () =>
    sim
      .requests()
      .filter((r) => r.method !== 'GET' && /\/vendors(\/sync)?$/.test(r.path))
      .map((r) => `${r.method} ${r.path}`);
  expect(vendorWrites()).toEqual(['PATCH /api/rest/v1.0/vendors/sync']);

  let results = await h.results();
  expect(appliedIds(results)).toEqual(['pf-1', 'pf-3', 'pf-4', 'pf-6']);
  expect(results.filter((r) => r.status === 'dead_lettered').map((r) => r.id)).toEqual([null]);
  let dead = await h.deadLetters();
  expect(dead.map((d) => d.body).sort()).toEqual([bodyOf(schemaInvalid), malformed].sort());

  // The three come back (now, instead of after the visibility timeout) and all get out.
  for (const m of first.messages.filter((x) => first.failed.includes(x.MessageId!))) {
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
  const retry = await h.play({ batchSize: 10 });
  expect(retry.messages.map((m) => m.Body).sort()).toEqual([applied[1], applied[4], unknownResource].map(bodyOf).sort());
  expect(retry.failed).toEqual([]);

  // Idempotency answered the two applied ones with their saved outcome: no second write to Procore.
  expect(vendorWrites()).toEqual(['PATCH /api/rest/v1.0/vendors/sync']);
  results = await h.results();
  const vendors = sim.store.list('vendors', { companyId });
  for (const id of ['pf-2', 'pf-5']) {
    const reported = results.filter((r) => r.id === id);
    expect(reported).toHaveLength(1);
    const result = reported[0]!;
    expect(result.status === 'applied' && vendors.find((v) => v.id === result.procoreId)?.origin_id).toBe(`ERP-PF-${id.slice(3)}`);
  }
  expect(results.find((r) => r.id === 'pf-widget')).toMatchObject({ status: 'dead_lettered', reason: { errorClass: 'UnknownResource' } });
  dead = await h.deadLetters();
  expect(dead.find((d) => d.body === bodyOf(unknownResource))?.reason).toMatchObject({ errorClass: 'UnknownResource', attempts: 2 });
  expect(vendors.filter((v) => String(v.name).startsWith('Partial Failure Supply'))).toHaveLength(6);
});
