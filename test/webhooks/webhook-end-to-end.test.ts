// End to end through the simulator's own webhooks: a hook made through Procore's hooks API delivers
// a change to the real receiver handler (served on a loopback HTTP port as a function URL would
// serve it), which queues it on moto; the real events consumer turns it into a record on the records
// queue. A hook whose header is not the secret gets 401s, and nothing of it reaches the queue.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { queueArn } from '../../cli/aws/sqs';
import { lambdaContext } from '../../local/lambda-context';
import { receiveMessages, sqsRecordFromMessage } from '../../local/sqs-event-source';
import { startPullHarness, type PullHarness } from '../pull/support/pull-harness';
import { apiClient, requestToken } from '../simulator/sim-http';
import { functionUrlEvent } from './support/webhook-payloads';

type Receiver = (event: LambdaFunctionURLEvent, context: Context) => Promise<LambdaFunctionURLResult>;
type Consumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const HOOKS = '/rest/v1.0/webhooks/hooks';
const SECRET = `hook-secret-${randomUUID()}`;
let h: PullHarness;
let events: string;
let server: Server;
let url: string;
let receiver: Receiver;
let consumer: Consumer;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: {
      now: Date.now(),
      data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 3, resources: ['rfis', 'vendors', 'projects', 'company_users'] },
    },
    sync: () => ({ resources: ['rfis'] }),
  });
  const suffix = randomUUID().slice(0, 8);
  const secretId = `webhook-header-${suffix}`;
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: secretId, SecretString: SECRET }));
  const eventsDlq = (await h.sqs.send(new CreateQueueCommand({ QueueName: `e2e-events-dlq-${suffix}` }))).QueueUrl!;
  events = (await h.sqs.send(new CreateQueueCommand({ QueueName: `e2e-events-${suffix}` }))).QueueUrl!;
  Object.assign(process.env, { WEBHOOK_SECRET_ID: secretId, WEBHOOK_EVENTS_QUEUE_URL: events, WEBHOOK_EVENTS_DLQ_URL: eventsDlq, WEBHOOK_RESOURCES: 'rfis' });
  ({ handler: receiver } = (await import('../../functions/webhooks/receiver-handler')) as unknown as { handler: Receiver });
  ({ handler: consumer } = (await import('../../functions/webhooks/events-handler')) as unknown as { handler: Consumer });
  // The function URL, played on loopback: the request as Lambda hands it over, the answer as it comes back.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const answer = (await receiver(functionUrlEvent(body, headers, req.method), lambdaContext({ timeoutMs: 4000, functionName: 'receiver' }))) as {
        statusCode: number;
        body: string;
      };
      res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  api = apiClient(h.sim, await requestToken(h.sim), h.companyId);
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

async function createHook(header: string): Promise<number> {
  const hook = await api(HOOKS, {
    method: 'POST',
    body: {
      company_id: h.companyId,
      hook: { api_version: 'v2', namespace: `ns-${header.slice(0, 8)}`, destination_url: url, destination_headers: { Authorization: header } },
    },
  });
  expect(hook.status).toBe(201);
  const triggers = await api(`${HOOKS}/${hook.json.id}/triggers/bulk`, {
    method: 'POST',
    body: { company_id: h.companyId, api_version: 'v2', triggers: [{ resource_name: 'RFIs', event_type: 'update' }] },
  });
  expect(triggers.status).toBe(200);
  return hook.json.id as number;
}

it('a change in Procore reaches the records queue through the webhook path; a hook with the wrong header is refused', async () => {
  const good = await createHook(SECRET);
  const bad = await createHook('not-the-secret');
  const projectId = h.sim.store.projects(h.companyId)[0]!.id;
  const [rfi] = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
  h.sim.store.update('rfis', rfi!.id as number, { subject: 'changed in Procore' });
  await h.sim.webhooks.settle();
  expect(h.sim.webhooks.deliveries(good).map((d) => d.outcome)).toEqual(['ok']);

  const records = await h.collectRecords(async () => {
    const messages = await receiveMessages(h.sqs, events, 10);
    expect(messages).toHaveLength(1);
    const arn = await queueArn(h.sqs, events);
    const response = await consumer(
      { Records: messages.map((m) => sqsRecordFromMessage(m, arn)) },
      lambdaContext({ timeoutMs: 60_000, functionName: 'events' }),
    );
    expect(response.batchItemFailures).toEqual([]);
    for (const m of messages) await h.sqs.send(new DeleteMessageCommand({ QueueUrl: events, ReceiptHandle: m.ReceiptHandle }));
  });
  expect(records.map((r) => [r.envelope.resource, r.envelope.id, (r.envelope.data as { subject?: string }).subject])).toEqual([
    ['rfis', rfi!.id, 'changed in Procore'],
  ]);
  const [refused] = h.sim.webhooks.deliveries(bad);
  expect(refused!.outcome).toBe('retried');
  // The simulator's clock follows real time: on a slow run its first retry (after 1 s) has come too.
  expect(new Set(refused!.attempts.map((a) => a.status))).toEqual(new Set([401]));
});
