// What local/moto_patches.py promises about the moto every test uses: conditional writes are atomic
// as in DynamoDB, and SQS still behaves as SQS (visibility, deletes, counts) on a deep queue.
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';

const suffix = randomUUID().slice(0, 8);

it('lets exactly one of many concurrent conditional puts on one key succeed', async () => {
  const dynamo = new DynamoDBClient({});
  const TableName = `patch-lock-${suffix}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  for (let round = 0; round < 10; round++) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) =>
        dynamo.send(
          new PutItemCommand({
            TableName,
            Item: { pk: { S: `lease-${round}` }, holder: { S: String(i) } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  }
  dynamo.destroy();
});

it('keeps SQS visibility, deletes and counts right on a queue thousands deep', async () => {
  const sqs = new SQSClient({});
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `patch-deep-${suffix}` }))).QueueUrl!;
  for (let i = 0; i < 300; i++) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: `${i * 10 + j}` })) }));
  }
  const counts = async () =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })))
      .Attributes;
  await expect(counts()).resolves.toEqual({ ApproximateNumberOfMessages: '3000', ApproximateNumberOfMessagesNotVisible: '0' });

  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
  expect(Messages).toHaveLength(10);
  await expect(counts()).resolves.toEqual({ ApproximateNumberOfMessages: '2990', ApproximateNumberOfMessagesNotVisible: '10' });

  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle })); // again: accepted, as in SQS
  await expect(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'not-a-handle' }))).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: Messages[1]!.ReceiptHandle, VisibilityTimeout: 0 }));
  await expect(counts()).resolves.toEqual({ ApproximateNumberOfMessages: '2991', ApproximateNumberOfMessagesNotVisible: '8' });
  sqs.destroy();
});
