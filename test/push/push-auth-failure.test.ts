// The DMSA secret the push function is told to read does not exist: a deployment problem, not the
// message's. The message is retried (not dead-lettered at once), and on the receive where it
// reaches the queue's maxReceiveCount the connector dead-letters it itself, with the secret's
// error class and reason, instead of leaving SQS's redrive to move it without either.
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { bodyOf, MAX_ATTEMPTS, startPushHarness, type PlayedBatch, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({ createSecret: false });
});

afterAll(async () => {
  await h?.close();
});

async function returnFailed(batch: PlayedBatch): Promise<void> {
  for (const m of batch.messages.filter((x) => batch.failed.includes(x.MessageId!))) {
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
}

it('retries while the DMSA secret is missing, then dead-letters the message on its last receive with the secret problem', async () => {
  const message = { version: 1, id: 'no-secret-1', companyId: h.companyId, resource: 'vendors', operation: 'create', data: { name: 'Secretless Supply' } };
  await h.send([message]);

  for (let receive = 1; receive < MAX_ATTEMPTS; receive++) {
    const batch = await h.play();
    expect(batch.failed).toHaveLength(1);
    expect(await h.deadLetters()).toEqual([]);
    await returnFailed(batch);
  }
  const last = await h.play();
  expect(last.failed).toEqual([]);

  const dead = await h.deadLetters();
  expect(dead).toHaveLength(1);
  expect(dead[0]!.body).toBe(bodyOf(message));
  expect(dead[0]!.reason).toMatchObject({ errorClass: 'DmsaSecretUnreadable', attempts: MAX_ATTEMPTS });
  expect(dead[0]!.reason.message).toMatch(/^DMSA secret push-dmsa-\w+: cannot be read from Secrets Manager/);
  expect(await h.results()).toEqual([
    expect.objectContaining({ id: 'no-secret-1', status: 'dead_lettered', reason: expect.objectContaining({ errorClass: 'DmsaSecretUnreadable' }) }),
  ]);
  expect(await h.queueCounts()).toEqual({ visible: 0, inFlight: 0 });
  // Procore never saw a request: there were no credentials to ask for a token with.
  expect(h.sim.requests()).toEqual([]);
});
