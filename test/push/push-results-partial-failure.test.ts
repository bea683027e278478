// SQS accepts part of a SendMessageBatch (moto never does, so the failed entries are injected on the
// handler's real calls to moto): exactly the messages whose result or DLQ copy did not get out come
// back as batch item failures, and their retry reports them without writing to Procore again.
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { appliedIds, bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  jest.restoreAllMocks();
  await h?.close();
});

/** Lets SQS calls through to moto, except entries of SendMessageBatch whose body matches `refuse`. */
function refuseBatchEntries(refuse: (queueUrl: string, body: string) => boolean): { singleSends: () => number } {
  const send = SQSClient.prototype.send as (this: SQSClient, command: unknown) => Promise<unknown>;
  let singles = 0;
  jest.spyOn(SQSClient.prototype, 'send').mockImplementation(async function (this: SQSClient, command: unknown) {
    if (command instanceof SendMessageCommand) singles++;
    if (!(command instanceof SendMessageBatchCommand)) return send.call(this, command) as never;
    const queueUrl = command.input.QueueUrl!;
    const entries = command.input.Entries ?? [];
    const refused = entries.filter((e) => refuse(queueUrl, e.MessageBody!));
    const kept = entries.filter((e) => !refused.includes(e));
    const answer = (kept.length > 0 ? await send.call(this, new SendMessageBatchCommand({ ...command.input, Entries: kept })) : {}) as {
      Successful?: unknown[];
      Failed?: unknown[];
    };
    return {
      Successful: answer.Successful ?? [],
      Failed: [...(answer.Failed ?? []), ...refused.map((e) => ({ Id: e.Id, Code: 'InternalError', Message: 'injected', SenderFault: false }))],
    } as never;
  });
  return { singleSends: () => singles };
}

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

  const sqs = refuseBatchEntries((queueUrl, body) => {
    if (queueUrl === h.queues.results) return /"id":"(pf-2|pf-5|pf-nodata)"/.test(body);
    if (queueUrl === h.queues.dlq) return body === bodyOf(unknownResource);
    return false;
  });
  const first = await h.play({ batchSize: 10 });
  jest.restoreAllMocks();
  expect(first.messages).toHaveLength(9);
  expect(sqs.singleSends()).toBe(0);

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
