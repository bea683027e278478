// The same push message delivered again and again (SQS redelivery, a producer re-sending, two
// copies in one batch, a crash between Procore's answer and the idempotency record) makes exactly
// one Procore record; the one exception, stated in the README, is shown here too.
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
});

async function idempotencyRecords(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await h.db.send(
    new ScanCommand({ TableName: h.tableName, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'idempotency' } }),
  );
  return Items;
}

const idempotencyKeys = async () => new Set((await idempotencyRecords()).map((r) => r.pk));

const posts = (path: string) => h.sim.countRequests((r) => r.method === 'POST' && r.path.endsWith(path));

describe('push: a message delivered three times', () => {
  /** Leaves the message's idempotency record as a crash between Procore's answer and saving the outcome would. */
  async function crashBeforeSaving(pk: unknown): Promise<void> {
    await h.db.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: { pk, sk: 'idempotency' },
        UpdateExpression: 'SET #status = :inprogress, in_progress_expiration = :past REMOVE #data',
        ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
        ExpressionAttributeValues: { ':inprogress': 'INPROGRESS', ':past': Date.now() - 1000 },
      }),
    );
  }

  it('creates one vendor: redelivered after success, then again after a crash before the idempotency record was saved', async () => {
    const { companyId, sim } = h;
    const message = {
      version: 1,
      id: 'dup-vendor-1',
      companyId,
      resource: 'vendors',
      operation: 'create',
      originId: 'ERP-DUP-1',
      data: { name: 'Once Only Steel' },
    };
    const vendorsNamed = () => sim.store.list('vendors', { companyId }).filter((v) => v.name === 'Once Only Steel');
    const vendorWrites = () => sim.requests().filter((r) => r.method !== 'GET' && /\/vendors(\/sync)?$/.test(r.path));

    // 1st delivery: applied through Procore's sync (create-or-update by origin_id), result saved.
    const earlier = await idempotencyKeys();
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    expect(vendorsNamed()).toHaveLength(1);
    const vendor = vendorsNamed()[0]!;
    // The upstream system's key, as the message carried it.
    expect(vendor.origin_id).toBe('ERP-DUP-1');
    expect(vendorWrites().map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /api/rest/v1.0/vendors/sync']);
    const record = (await idempotencyRecords()).find((r) => !earlier.has(r.pk));
    expect(record).toMatchObject({ status: 'COMPLETED', data: { procoreId: vendor.id } });
    expect(Number(record!.expiration)).toBeGreaterThan(Date.now() / 1000 + 13 * 24 * 3600);

    // 2nd delivery (SQS redelivery or the producer sending it again): no Procore write at all.
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    expect(vendorWrites()).toHaveLength(1);

    // 3rd delivery after a crash between Procore's answer and saving the outcome: the sync runs
    // again, finds the record by its origin_id and updates it. No second record, no 409 needed.
    await crashBeforeSaving(record!.pk);
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    expect(vendorWrites().map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200', 'PATCH 200']);
    expect(sim.countRequests((r) => r.status === 409)).toBe(0);
    expect(vendorsNamed()).toHaveLength(1);
    expect((await idempotencyRecords()).find((r) => r.pk === record!.pk)).toMatchObject({
      status: 'COMPLETED',
      data: expect.objectContaining({ procoreId: vendor.id }),
    });

    const results = (await h.results()).filter((r) => r.id === 'dup-vendor-1');
    expect(results).toHaveLength(3);
    expect(results.every((r) => r.status === 'applied' && r.procoreId === vendor.id)).toBe(true);
    expect(await h.deadLetters()).toEqual([]);
  });

  it('a create without originId carries no origin_id, and a crash after Procore answered does not repeat it (create journal)', async () => {
    const { companyId, sim } = h;
    const message = { version: 1, id: 'dup-vendor-2', companyId, resource: 'vendors', operation: 'create', data: { name: 'No Upstream Key Glass' } };
    const vendorsNamed = () => sim.store.list('vendors', { companyId }).filter((v) => v.name === 'No Upstream Key Glass');
    const earlier = await idempotencyKeys();
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    // A plain POST; Procore's record has no origin_id (the connector never invents one).
    expect(vendorsNamed().map((v) => v.origin_id ?? null)).toEqual([null]);
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    expect(vendorsNamed()).toHaveLength(1);

    // Procore made the record, the function died before saving the outcome: the create journal
    // noted Procore's answer first, so the redelivery reuses it instead of sending the POST again.
    const record = (await idempotencyRecords()).find((r) => !earlier.has(r.pk));
    await crashBeforeSaving(record!.pk);
    const posts = sim.countRequests((r) => r.method === 'POST' && r.path.endsWith('/rest/v1.0/vendors'));
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    expect(vendorsNamed()).toHaveLength(1);
    expect(sim.countRequests((r) => r.method === 'POST' && r.path.endsWith('/rest/v1.0/vendors'))).toBe(posts);
    const results = (await h.results()).filter((r) => r.id === 'dup-vendor-2');
    expect(results.map((r) => r.status === 'applied' && r.procoreId)).toEqual([vendorsNamed()[0]!.id, vendorsNamed()[0]!.id, vendorsNamed()[0]!.id]);
  });

  it('two copies in one batch: one applies, the other waits and then returns the saved outcome', async () => {
    const { companyId, projectId, sim } = h;
    const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
    // An RFI has no origin_id in Procore: only the idempotency record stands between copies.
    const message = {
      version: 1,
      id: 'dup-rfi-1',
      companyId,
      projectId,
      resource: 'rfis',
      operation: 'create',
      originId: 'PM-RFI-DUP',
      data: { subject: 'Twice delivered RFI', rfi_manager_id: rfiManager, question: { body: 'Once?' } },
    };
    const rfisNamed = () => sim.store.list('rfis', { companyId, projectId }).filter((r) => r.subject === 'Twice delivered RFI');
    await h.send([message, message]);

    const first = await h.play({ batchSize: 10 });
    expect(first.messages).toHaveLength(2);
    // The copy that found the other in progress is retried, not dead-lettered.
    expect(first.failed).toHaveLength(1);
    expect(rfisNamed()).toHaveLength(1);

    // Its redelivery (made visible now instead of after the visibility timeout) returns the saved outcome.
    const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    const retried = first.messages.find((m) => m.MessageId === first.failed[0])!;
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: retried.ReceiptHandle, VisibilityTimeout: 0 }));
    const second = await h.play();
    expect(second.messages.map((m) => m.Body)).toEqual([bodyOf(message)]);
    expect(second.failed).toEqual([]);
    expect(rfisNamed()).toHaveLength(1);
    expect(posts(`/projects/${projectId}/rfis`)).toBe(1);

    const results = (await h.results()).filter((r) => r.id === 'dup-rfi-1');
    expect(results.map((r) => r.status === 'applied' && r.procoreId)).toEqual([rfisNamed()[0]!.id, rfisNamed()[0]!.id]);
  });

  it('an id reused for a different write is dead-lettered, not skipped', async () => {
    const { companyId } = h;
    const original = { version: 1, id: 'dup-reused', companyId, resource: 'vendors', operation: 'create', data: { name: 'First Use Glass' } };
    const reused = { ...original, data: { name: 'Second Use Glass' } };
    await h.send([original]);
    expect((await h.play()).failed).toEqual([]);
    await h.send([reused]);
    expect((await h.play()).failed).toEqual([]);
    const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(reused));
    expect(dead?.reason).toMatchObject({ errorClass: 'IdempotencyKeyReused' });
    expect(h.sim.store.list('vendors', { companyId }).filter((v) => v.name === 'Second Use Glass')).toHaveLength(0);
  });
});
