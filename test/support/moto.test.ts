import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';

describe('local AWS (moto) for tests', () => {
  it('is reachable through AWS_ENDPOINT_URL on loopback', async () => {
    expect(process.env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `moto-check-${Date.now()}` }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages?.[0]?.Body).toBe('hello');
  });

  it('runs on the pinned Node 24 with the ESM-only Middy 7', async () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    const handler = middy(async (event: { n: number }) => event.n + 1);
    await expect(handler({ n: 1 }, {} as never)).resolves.toBe(2);
  });
});
