// The bench counts a function's AWS calls with a proxy in front of moto: every call must still
// reach moto and come back unchanged, and be counted under its service and operation.
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { startAwsRequestCounter, type AwsRequestCounter } from '../../bench/aws-request-counter';

let counter: AwsRequestCounter;

beforeAll(async () => {
  counter = await startAwsRequestCounter(process.env.AWS_ENDPOINT_URL!);
});

afterAll(async () => {
  await counter?.close();
});

it('forwards SQS calls to moto and counts them by operation', async () => {
  const sqs = new SQSClient({ endpoint: counter.endpoint });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-counter-${randomUUID().slice(0, 8)}` }));
  counter.reset();
  for (const batch of [0, 1]) {
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `message ${batch}-${i}` }));
    const { Successful = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
    expect(Successful).toHaveLength(10);
  }
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  expect(Messages).toHaveLength(10);

  expect(counter.counts()).toEqual({ 'AmazonSQS.ReceiveMessage': 1, 'AmazonSQS.SendMessageBatch': 2 });
  expect(counter.total('AmazonSQS')).toBe(3);
  expect(counter.total('DynamoDB_20120810')).toBe(0);
  sqs.destroy();
});

it('keeps the caller connection alive although moto answers Connection: close (as AWS keeps it)', async () => {
  const agent = new Agent({ keepAlive: true });
  const post = () =>
    new Promise<{ reused: boolean; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        `${counter.endpoint}/`,
        { method: 'POST', agent, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ reused: req.reusedSocket, connection: res.headers.connection }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
  const first = await post();
  const second = await post();
  expect(first.connection).not.toBe('close');
  expect(second.reused).toBe(true);
  agent.destroy();
});
