// Once Procore has made a record, nothing that fails afterwards makes a second one (issue 13, rule 2).
// RFIs have no origin_id in Procore, so only the connector's own state stands between a retried
// create and a duplicate. AWS faults come from the chaos AWS fault proxy in front of moto: the
// handler's DynamoDB and SQS calls go through it.
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsError, type AwsCall, type AwsFault, type AwsFaultProxy } from '../../chaos/aws-fault-proxy';
import { fingerprintOf } from '../../functions/push/create-once';
import { createJournalKey } from '../../functions/push/state/create-journal';
import { originMapKey } from '../../functions/push/state/origin-map';
import { PushMessageSchema } from '../../functions/commons/contracts/push-message';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context';
import { receiveMessages, sqsRecordFromMessage } from '../../local/sqs-event-source';
import { startFaultyPushHarness } from './support/faulty-push-harness';
import { bodyOf, type PlayedBatch, type PushHarness } from './support/push-harness';

let h: PushHarness;
let proxy: AwsFaultProxy;
let closeHarness: (() => Promise<void>) | undefined;
let decide: (call: AwsCall) => AwsFault | undefined = () => undefined;

beforeAll(async () => {
  ({ h, proxy, close: closeHarness } = await startFaultyPushHarness({}, (call) => decide(call)));
});

afterAll(async () => {
  await closeHarness?.();
});

afterEach(() => {
  decide = () => undefined;
});

/** The first `n` calls that match fail with `fault`; later ones pass. */
function failFirst(n: number, match: (call: AwsCall) => boolean, fault: AwsFault = awsError('ProvisionedThroughputExceededException')): () => number {
  let failed = 0;
  decide = (call) => {
    if (!match(call) || failed >= n) return undefined;
    failed += 1;
    return fault;
  };
  return () => failed;
}

const item = (call: AwsCall) => (call.body?.Item ?? {}) as Record<string, { S?: string }>;
const isOriginMapPut = (call: AwsCall) => call.operation === 'PutItem' && String(item(call).pk?.S).startsWith('push-origin#');
const isJournalCreated = (call: AwsCall) =>
  call.operation === 'PutItem' && String(item(call).pk?.S).startsWith('push-create#') && item(call).state?.S === 'created';

function rfiCreate(id: string, subject: string, originId?: string) {
  const { companyId, projectId, sim } = h;
  const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
  return {
    version: 1,
    id,
    companyId,
    projectId,
    resource: 'rfis',
    operation: 'create',
    ...(originId ? { originId } : {}),
    data: { subject, rfi_manager_id: rfiManager, question: { body: 'Exactly once?' } },
  };
}

const rfisWithSubject = (subject: string) => h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId }).filter((r) => r.subject === subject);
const rfiPosts = () => h.sim.countRequests((r) => r.method === 'POST' && r.path.endsWith(`/projects/${h.projectId}/rfis`));

/** Makes a played batch's failed messages visible again at once (instead of after the visibility timeout). */
async function releaseFailed(batch: PlayedBatch): Promise<void> {
  for (const m of batch.messages.filter((x) => batch.failed.includes(x.MessageId!))) {
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
}

async function idempotencyRecordOf(messageId: string): Promise<Record<string, unknown> | undefined> {
  const { Items = [] } = await h.db.send(
    new ScanCommand({ TableName: h.tableName, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'idempotency' } }),
  );
  const { createHash } = await import('node:crypto');
  const hash = createHash('md5').update(JSON.stringify(messageId)).digest('base64'); // Powertools' key: md5 of the JSON key, base64
  return Items.find((i) => i.pk === `push#${hash}`);
}

/** Leaves the message's idempotency record as a crashed invocation does: in progress, its deadline passed. */
async function crashedInProgress(messageId: string): Promise<void> {
  const record = await idempotencyRecordOf(messageId);
  if (!record) throw new Error(`no idempotency record for ${messageId}`);
  await h.db.send(
    new UpdateCommand({
      TableName: h.tableName,
      Key: { pk: record.pk, sk: 'idempotency' },
      UpdateExpression: 'SET #status = :inprogress, in_progress_expiration = :past REMOVE #data',
      ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
      ExpressionAttributeValues: { ':inprogress': 'INPROGRESS', ':past': Date.now() - 1000 },
    }),
  );
}

describe('push: a create Procore accepted is never sent again', () => {
  it('the origin-map write fails after Procore made the RFI: the retry only writes the map and the result', async () => {
    const message = rfiCreate('once-map-1', 'Once despite the map', 'PM-ONCE-1');
    await h.send([message]);
    // Every origin-map write fails during the first delivery (after the SDK's own retries too).
    const failures = failFirst(Number.POSITIVE_INFINITY, isOriginMapPut);
    const first = await h.play();
    decide = () => undefined;
    expect(failures()).toBeGreaterThan(0);
    expect(first.failed).toHaveLength(1);
    expect(rfisWithSubject('Once despite the map')).toHaveLength(1);

    await releaseFailed(first);
    const second = await h.play();
    expect(second.failed).toEqual([]);
    const [rfi] = rfisWithSubject('Once despite the map');
    expect(rfisWithSubject('Once despite the map')).toHaveLength(1);
    expect(rfiPosts()).toBe(1);
    const key = originMapKey({ companyId: h.companyId, resource: 'rfis', originId: 'PM-ONCE-1' });
    expect((await h.db.send(new GetCommand({ TableName: h.tableName, Key: key }))).Item).toMatchObject({ procoreId: rfi!.id });
    const results = (await h.results()).filter((r) => r.id === 'once-map-1');
    expect(results).toEqual([expect.objectContaining({ status: 'applied', procoreId: rfi!.id })]);
  });

  it('the "created" note itself is throttled for a while: it is retried in place, and the RFI is made once', async () => {
    const message = rfiCreate('once-note-1', 'Once despite throttling');
    await h.send([message]);
    const failures = failFirst(5, isJournalCreated);
    const batch = await h.play();
    expect(failures()).toBe(5);
    expect(batch.failed).toEqual([]);
    expect(rfisWithSubject('Once despite throttling')).toHaveLength(1);
    expect((await h.results()).filter((r) => r.id === 'once-note-1')).toEqual([expect.objectContaining({ status: 'applied' })]);
  });

  it('a crash after Procore answered (the "created" note written, nothing else): the redelivery makes no second RFI', async () => {
    const message = rfiCreate('once-crash-1', 'Once despite a crash', 'PM-CRASH-1');
    // The first delivery runs up to Procore's answer and the note, then "dies": its origin-map
    // write is held by the proxy and never answered, as for a killed sandbox.
    await h.send([message]);
    decide = (call) => (isOriginMapPut(call) ? { kind: 'hold' } : undefined);
    const [received] = await receiveMessages(h.sqs, h.queues.push, 1, { waitTimeSeconds: 1 });
    const event: SQSEvent = { Records: [sqsRecordFromMessage(received!, h.queues.pushArn)] };
    void h.handler(event, lambdaContext({ timeoutMs: 3000, functionName: 'push' })).catch(() => undefined);
    await waitFor(() => proxy.calls().some((c) => c.fault === 'hold'));
    decide = (call) => (isOriginMapPut(call) && proxy.calls().filter((c) => c.fault === 'hold').length === 0 ? { kind: 'hold' } : undefined);
    const made = rfisWithSubject('Once despite a crash');
    expect(made).toHaveLength(1);
    const journal = (await h.db.send(new GetCommand({ TableName: h.tableName, Key: createJournalKey('once-crash-1') }))).Item;
    expect(journal).toMatchObject({ state: 'created', procoreId: made[0]!.id });

    // Redelivered once the dead invocation's time is up (made visible and expired now).
    await crashedInProgress('once-crash-1');
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: received!.ReceiptHandle, VisibilityTimeout: 0 }));
    const posts = rfiPosts();
    const retry = await h.play();
    expect(retry.failed).toEqual([]);
    expect(rfiPosts()).toBe(posts);
    expect(rfisWithSubject('Once despite a crash')).toHaveLength(1);
    const key = originMapKey({ companyId: h.companyId, resource: 'rfis', originId: 'PM-CRASH-1' });
    expect((await h.db.send(new GetCommand({ TableName: h.tableName, Key: key }))).Item).toMatchObject({ procoreId: made[0]!.id });
    expect((await h.results()).filter((r) => r.id === 'once-crash-1')).toEqual([expect.objectContaining({ status: 'applied', procoreId: made[0]!.id })]);
  });

  it('a crash while the POST was in flight (no answer noted): dead-lettered as CreateOutcomeUnknown, not sent again', async () => {
    const message = rfiCreate('once-unknown-1', 'Maybe made');
    const parsed = PushMessageSchema.parse(message);
    // What a sandbox killed mid-POST leaves: the "sending" note and an in-progress idempotency record.
    await h.db.send(
      new PutCommand({
        TableName: h.tableName,
        Item: { ...createJournalKey('once-unknown-1'), state: 'sending', fingerprint: fingerprintOf(parsed), sentAt: new Date().toISOString() },
      }),
    );
    const posts = rfiPosts();
    await h.send([message]);
    const batch = await h.play();
    expect(batch.failed).toEqual([]);
    expect(rfiPosts()).toBe(posts);
    const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(message));
    expect(dead?.reason.errorClass).toBe('CreateOutcomeUnknown');
    expect(dead?.reason.message).toContain("ended before Procore's answer was recorded");
  });

  it('a POST that gets no answer (connection dropped) is dead-lettered at once, not repeated', async () => {
    const message = rfiCreate('once-dropped-1', 'Dropped on the way');
    await h.send([message]);
    const posts = rfiPosts();
    h.sim.setFaults({ dropConnectionRate: 1, only: (req) => req.method === 'POST' && req.path.endsWith('/rfis') });
    try {
      const batch = await h.play();
      expect(batch.failed).toEqual([]);
    } finally {
      h.sim.setFaults(undefined);
    }
    expect(rfiPosts()).toBe(posts + 1);
    const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(message));
    expect(dead?.reason.errorClass).toBe('CreateOutcomeUnknown');
    expect(dead?.reason.message).toContain('the POST got no answer');
  });

  it("a create Procore refuses (422) is dead-lettered with Procore's reason and its note cleared", async () => {
    const message = { ...rfiCreate('once-refused-1', 'x'), data: { subject: '' } };
    await h.send([message]);
    expect((await h.play()).failed).toEqual([]);
    const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(message));
    expect(dead?.reason.errorClass).toBe('ProcoreValidation');
    expect((await h.db.send(new GetCommand({ TableName: h.tableName, Key: createJournalKey('once-refused-1') }))).Item).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
