// The SQS edge the functions are wired with: holding a received message back (capped at SQS's 12 h,
// never throwing), sending, and carrying a received message's attributes on. SQS calls are
// recorded by a stand-in client; the edge itself is what is under test.
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { silentLogger, type LoggerLike } from '../../functions/commons/observability/logger';
import { sdkAttributesOf, sqsQueueEdge } from '../../functions/commons/queues/sqs-adapter';

const now = Date.parse('2026-01-15T12:00:00Z');
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/push';

function record(overrides: Partial<SQSRecord> = {}): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body: '{}',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:push',
    awsRegion: 'us-east-1',
    ...overrides,
  };
}

function recordingClient(fail?: Error): { sqs: SQSClient; sent: unknown[] } {
  const sent: unknown[] = [];
  const sqs = {
    send: async (command: unknown) => {
      sent.push(command);
      if (fail) throw fail;
      return {};
    },
  } as unknown as SQSClient;
  return { sqs, sent };
}

function recordingLogger(): LoggerLike & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (message: string) => void warnings.push(message), warnings };
}

describe('sqsQueueEdge.delay', () => {
  it('holds the message on its source queue until the given time, in whole seconds', async () => {
    const { sqs, sent } = recordingClient();
    await sqsQueueEdge(sqs, { sourceQueueUrl: QUEUE, logger: silentLogger, now: () => now }).delay(record(), now + 90_500);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(ChangeMessageVisibilityCommand);
    expect((sent[0] as ChangeMessageVisibilityCommand).input).toEqual({ QueueUrl: QUEUE, ReceiptHandle: 'rh-1', VisibilityTimeout: 91 });
  });

  it('caps the hold at SQS maximum of 12 hours and skips a time already past', async () => {
    const { sqs, sent } = recordingClient();
    const edge = sqsQueueEdge(sqs, { sourceQueueUrl: QUEUE, logger: silentLogger, now: () => now });
    await edge.delay(record(), now + 3 * 24 * 3600_000);
    await edge.delay(record(), now - 1000);
    expect(sent.map((c) => (c as ChangeMessageVisibilityCommand).input.VisibilityTimeout)).toEqual([12 * 3600]);
  });

  it('never throws: a failed call or a missing queue URL leaves the queue visibility timeout in charge', async () => {
    const failing = recordingClient(new Error('AccessDenied'));
    const logger = recordingLogger();
    await expect(sqsQueueEdge(failing.sqs, { sourceQueueUrl: QUEUE, logger, now: () => now }).delay(record(), now + 5000)).resolves.toBeUndefined();
    const unset = recordingClient();
    await sqsQueueEdge(unset.sqs, { sourceQueueUrl: undefined, logger, now: () => now }).delay(record(), now + 5000);
    expect(unset.sent).toEqual([]);
    expect(logger.warnings).toHaveLength(2);
  });
});

describe('sqsQueueEdge.send and sdkAttributesOf', () => {
  it('sends one message with its attributes and FIFO ids', async () => {
    const { sqs, sent } = recordingClient();
    await sqsQueueEdge(sqs, { sourceQueueUrl: QUEUE, logger: silentLogger }).send('https://q/dlq.fifo', {
      body: 'b',
      attributes: { a: { DataType: 'String', StringValue: 'v' } },
      groupId: 'g',
      deduplicationId: 'd',
    });
    expect(sent[0]).toBeInstanceOf(SendMessageCommand);
    expect((sent[0] as SendMessageCommand).input).toEqual({
      QueueUrl: 'https://q/dlq.fifo',
      MessageBody: 'b',
      MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } },
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    });
  });

  it('maps Lambda event attributes (string and base64 binary) to the SDK shape', () => {
    const attributes = sdkAttributesOf(
      record({
        messageAttributes: {
          resource: { dataType: 'String', stringValue: 'rfis' },
          companyId: { dataType: 'Number', stringValue: '42' },
          blob: { dataType: 'Binary', binaryValue: Buffer.from('hi').toString('base64') },
        },
      }),
    );
    expect(attributes).toEqual({
      resource: { DataType: 'String', StringValue: 'rfis' },
      companyId: { DataType: 'Number', StringValue: '42' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
    });
  });
});
