// The chaos runs' AWS fault proxy in front of moto: what the AWS SDK sees through it (an error of
// the injected type after the SDK's own retries, a partial SendMessageBatch, a held call).
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsError, startAwsFaultProxy, type AwsFault, type AwsFaultProxy } from '../../chaos/aws-fault-proxy';
import { createStateTable } from '../../local/create-state-table';

let proxy: AwsFaultProxy;
let decide: (call: { service: string; operation: string }) => AwsFault | undefined = () => undefined;

beforeAll(async () => {
  proxy = await startAwsFaultProxy({ target: process.env.AWS_ENDPOINT_URL!, decide: (call) => decide(call) });
});

afterAll(async () => {
  await proxy?.close();
});

describe('AWS fault proxy', () => {
  it('forwards calls it does not fault, and answers injected DynamoDB errors the SDK recognises', async () => {
    const direct = new DynamoDBClient({});
    const table = `proxy-${randomUUID().slice(0, 8)}`;
    await createStateTable(direct, table);
    const viaProxy = new DynamoDBClient({ endpoint: proxy.url, maxAttempts: 2 });
    const put = (pk: string) => viaProxy.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'x' } } }));
    await put('passes');
    decide = (call) => (call.operation === 'PutItem' ? awsError('ProvisionedThroughputExceededException') : undefined);
    await expect(put('throttled')).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(proxy.calls().filter((c) => c.fault === 'error')).toHaveLength(2); // the SDK retried once
  });

  it('fails part of a SendMessageBatch the way SQS reports it, sending the rest', async () => {
    const sqs = new SQSClient({ endpoint: proxy.url });
    decide = () => undefined;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `proxy-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
    decide = (call) => (call.operation === 'SendMessageBatch' ? { kind: 'partial-batch', keep: (i) => i % 2 === 0 } : undefined);
    const answer = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ['a', 'b', 'c'].map((body, i) => ({ Id: String(i), MessageBody: body })) }),
    );
    expect(answer.Successful?.map((s) => s.Id)).toEqual(['0', '2']);
    expect(answer.Failed).toEqual([{ Id: '1', SenderFault: false, Code: 'InternalError', Message: 'injected by the chaos AWS fault proxy' }]);
  });
});
