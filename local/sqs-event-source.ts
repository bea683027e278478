// Plays Lambda's SQS event source mapping where there is no Lambda service (moto, tests, the local
// run): receive a batch, build the event exactly as Lambda shapes it, invoke the real handler,
// delete what succeeded and leave the batch item failures to come back after their visibility timeout.
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deleteMessages } from '../cli/aws/sqs';
import { lambdaContext } from './lambda-context';

export function sqsRecordFromMessage(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const region = queueArn.split(':')[3] ?? 'us-east-1';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          stringListValues: [],
          binaryListValues: [],
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Receives up to `max` messages (several ReceiveMessage calls of at most 10). */
export async function receiveMessages(
  sqs: SQSClient,
  queueUrl: string,
  max: number,
  options: { waitTimeSeconds?: number; visibilityTimeout?: number } = {},
): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - messages.length),
        WaitTimeSeconds: messages.length === 0 ? (options.waitTimeSeconds ?? 0) : 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...(options.visibilityTimeout !== undefined ? { VisibilityTimeout: options.visibilityTimeout } : {}),
      }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  return messages;
}

/**
 * What Lambda does with messages whose chain passed its recursion limit (local/lambda-recursion.ts):
 * moves them to the queue's DLQ (its redrive policy's target) when it has one, drops them otherwise.
 */
export async function stopRecursiveMessages(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  const target = Attributes?.RedrivePolicy ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
  if (target) {
    const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: target.split(':').pop() }));
    for (const message of messages) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
          ...(message.Attributes?.AWSTraceHeader
            ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: message.Attributes.AWSTraceHeader } } }
            : {}),
        }),
      );
    }
  }
  await deleteMessages(sqs, queueUrl, messages);
}

// biome-ignore lint/suspicious/noConfusingVoidType: as aws-lambda's SQSHandler, a handler may return nothing.
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SettledBatch {
  messages: Message[];
  /** Deleted from the queue. */
  succeeded: Message[];
  /** Left on the queue: the batch item failures, or the whole batch when the invocation rejected. */
  failed: Message[];
  /** How many the handler reported as batch item failures. */
  batchItemFailures: number;
  /** The invocation rejected (handler threw, sandbox died or timed out). */
  error?: string;
}

/**
 * The per-batch core of an SQS event source mapping: invoke with the batch as Lambda shapes the
 * event, delete what succeeded, leave failures on the queue (the whole batch when the invocation rejected).
 */
export async function invokeAndSettle(
  sqs: SQSClient,
  queue: { url: string; arn: string },
  messages: Message[],
  // biome-ignore lint/suspicious/noConfusingVoidType: as SqsHandler above.
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
): Promise<SettledBatch> {
  const event: SQSEvent = { Records: messages.map((m) => sqsRecordFromMessage(m, queue.arn)) };
  let failedIds: Set<string>;
  let batchItemFailures = 0;
  let error: string | undefined;
  try {
    const response = await invoke(event);
    failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    batchItemFailures = failedIds.size;
  } catch (invokeError) {
    error = invokeError instanceof Error ? invokeError.message : String(invokeError);
    failedIds = new Set(messages.map((m) => m.MessageId ?? ''));
  }
  const succeeded = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
  await deleteMessages(sqs, queue.url, succeeded);
  return {
    messages,
    succeeded,
    failed: messages.filter((m) => failedIds.has(m.MessageId ?? '')),
    batchItemFailures,
    ...(error !== undefined ? { error } : {}),
  };
}

export interface BatchOutcome {
  received: number;
  deleted: number;
  failed: number;
  /** The handler threw: the whole batch returns to the queue, as with Lambda. */
  crashed: boolean;
}

/**
 * One poll-invoke-delete cycle with an in-process handler (function hosts use
 * local/event-source-player.ts). Returns undefined when the queue had nothing visible.
 */
export async function playOneBatch(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  batchSize: number;
  functionTimeoutMs?: number;
  functionName?: string;
  waitTimeSeconds?: number;
}): Promise<BatchOutcome | undefined> {
  const { sqs, queueUrl, queueArn, handler } = options;
  const messages = await receiveMessages(sqs, queueUrl, options.batchSize, { waitTimeSeconds: options.waitTimeSeconds ?? 0 });
  if (messages.length === 0) return undefined;
  const context = lambdaContext({ timeoutMs: options.functionTimeoutMs ?? 60_000, functionName: options.functionName ?? 'local' });
  const settled = await invokeAndSettle(sqs, { url: queueUrl, arn: queueArn }, messages, (event) => handler(event, context));
  return { received: messages.length, deleted: settled.succeeded.length, failed: settled.failed.length, crashed: settled.error !== undefined };
}
