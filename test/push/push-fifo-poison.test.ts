// FIFO (production's queue type): a message that keeps failing never takes the valid messages
// behind it in its group to the DLQ unprocessed (issue 13, rule 6). Its group waits for it, up to
// the connector's attempts; on its last the connector dead-letters it alone, with its reason, and
// the rest of the group is applied. If that dead letter cannot be sent, the followers on their last
// attempt run anyway, and the poison message's next receive (the redrive's spare one) dead-letters
// it as PreviousAttemptDied, still with a reason, before SQS's redrive would move it without one.
// The poison message fails because the state table refuses its idempotency record (an AWS fault
// from the chaos fault proxy in front of moto).
import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { awsError, type AwsCall, type AwsFault } from '../../chaos/aws-fault-proxy';
import { readFailureAttributes } from '../../functions/commons/queues/dead-letter';
import { receiveMessages } from '../../local/sqs-event-source';
import { startFaultyPushHarness } from './support/faulty-push-harness';
import { bodyOf, MAX_ATTEMPTS, type PlayedBatch, type PushHarness } from './support/push-harness';

let h: PushHarness;
let closeHarness: (() => Promise<void>) | undefined;
let decide: (call: AwsCall) => AwsFault | undefined = () => undefined;

beforeAll(async () => {
  ({ h, close: closeHarness } = await startFaultyPushHarness({ fifo: true }, (call) => decide(call)));
});

afterAll(async () => {
  await closeHarness?.();
});

/** Powertools' idempotency key of a message id (md5 of the JSON key, base64, under the "push" prefix). */
const idempotencyPk = (id: string) => `push#${createHash('md5').update(JSON.stringify(id)).digest('base64')}`;

/** The state table refuses the idempotency record of message `id`, every time. */
const refuseIdempotencyOf = (id: string) => (call: AwsCall) =>
  call.operation === 'PutItem' && (call.body?.Item as { pk?: { S?: string } } | undefined)?.pk?.S === idempotencyPk(id)
    ? awsError('InternalServerError', 500)
    : undefined;

async function releaseFailed(batch: PlayedBatch): Promise<void> {
  for (const m of batch.messages.filter((x) => batch.failed.includes(x.MessageId!))) {
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
}

function group(prefix: string) {
  const { companyId, projectId, sim } = h;
  const vendors = sim.store.list('vendors', { companyId });
  const poison = {
    version: 1,
    id: `${prefix}-poison`,
    companyId,
    resource: 'vendors',
    operation: 'update',
    procoreId: vendors[0]!.id,
    data: { name: `${prefix} poison` },
  };
  const follower = {
    version: 1,
    id: `${prefix}-follower`,
    companyId,
    resource: 'vendors',
    operation: 'update',
    procoreId: vendors[1]!.id,
    data: { name: `${prefix} follower` },
  };
  const contract = {
    version: 1,
    id: `${prefix}-contract`,
    companyId,
    projectId,
    resource: 'work_order_contracts',
    operation: 'create',
    originId: `${prefix}-WOC`,
    data: { title: `${prefix} contract` },
  };
  return { poison, follower, contract, bodies: [poison, follower, contract] };
}

/** Plays the group's batches until the poison message's last receive; returns that batch. */
async function playUntilLastReceive(poisonBody: string, beforeLast: () => void = () => undefined): Promise<PlayedBatch> {
  for (let receive = 1; ; receive++) {
    if (receive === MAX_ATTEMPTS) beforeLast();
    const batch = await h.play({ batchSize: 10, timeoutMs: 5000 });
    const poison = batch.messages.find((m) => m.Body === poisonBody)!;
    expect(Number(poison.Attributes?.ApproximateReceiveCount)).toBe(receive);
    if (receive === MAX_ATTEMPTS) return batch;
    // The group waits behind the failing message: nothing after it was applied.
    expect(batch.failed).toHaveLength(3);
    await releaseFailed(batch);
  }
}

describe('push FIFO: a message that keeps failing', () => {
  it('goes to the DLQ alone, with its reason, on its last receive; the group behind it is applied', async () => {
    const { poison, follower, contract, bodies } = group('fifo-p1');
    decide = refuseIdempotencyOf(poison.id);
    await h.send(bodies, { groupId: () => 'poisoned' });
    const last = await playUntilLastReceive(bodyOf(poison));
    expect(last.failed).toEqual([]);
    expect(h.sim.store.get('vendors', follower.procoreId)?.name).toBe('fifo-p1 follower');
    expect(
      h.sim.store.list('work_order_contracts', { companyId: h.companyId, projectId: h.projectId }).filter((w) => w.title === 'fifo-p1 contract'),
    ).toHaveLength(1);
    const dead = await h.deadLetters();
    expect(dead.map((d) => d.body)).toEqual([bodyOf(poison)]);
    expect(dead[0]?.reason).toMatchObject({ errorClass: 'IdempotencyPersistenceLayerError', attempts: MAX_ATTEMPTS });
    void contract;
  });

  it('even when its dead letter cannot be sent, the followers on their last attempt are applied, and the spare receive dead-letters it with a reason', async () => {
    const { poison, follower, bodies } = group('fifo-p2');
    const refuse = refuseIdempotencyOf(poison.id);
    decide = refuse;
    await h.send(bodies, { groupId: () => 'poisoned-2' });
    // On the last receive the DLQ refuses the connector's copy too (SQS trouble).
    const last = await playUntilLastReceive(bodyOf(poison), () => {
      decide = (call) => refuse(call) ?? (call.operation === 'SendMessage' ? awsError('InternalError', 500) : undefined);
    });
    expect(last.failed).toEqual([last.messageIdOf(bodyOf(poison))]);
    expect(h.sim.store.get('vendors', follower.procoreId)?.name).toBe('fifo-p2 follower');
    expect(
      h.sim.store.list('work_order_contracts', { companyId: h.companyId, projectId: h.projectId }).filter((w) => w.title === 'fifo-p2 contract'),
    ).toHaveLength(1);

    // Its next receive, the spare one: the connector dead-letters the poison message, and only it, with a reason.
    decide = () => undefined;
    await releaseFailed(last);
    const spare = await h.play({ batchSize: 10, timeoutMs: 5000 });
    expect(spare.messages.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([[bodyOf(poison), String(MAX_ATTEMPTS + 1)]]);
    expect(spare.failed).toEqual([]);
    expect(await receiveMessages(h.sqs, h.queues.push, 10, { waitTimeSeconds: 1 })).toEqual([]);
    const moved = await receiveMessages(h.sqs, h.queues.dlq, 10, { waitTimeSeconds: 1, visibilityTimeout: 600 });
    expect(moved.map((m) => m.Body)).toEqual([bodyOf(poison)]);
    expect(readFailureAttributes(moved[0]?.MessageAttributes)).toMatchObject({ errorClass: 'PreviousAttemptDied', attempts: MAX_ATTEMPTS + 1 });
  });
});
