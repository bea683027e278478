// The edge between the functions and SQS for the messages they received: hold one back until a
// given time, send messages (one, or many in batches), and carry a received message's attributes
// into a message sent on. Handlers build it with the shared SQS client and the queue URLs from
// their environment; core code receives its functions and never an SQS client.
import { ChangeMessageVisibilityCommand, SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { LoggerLike } from '../observability/logger';
import { sqsMessageFields, trySendMessageBatches, type OutgoingMessage, type SendFailure } from './sqs-batch-sender';

/** SQS caps a message's visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export interface QueueEdge {
  /**
   * Keeps a received message invisible until `until` (epoch ms, at most 12 h ahead). Never throws:
   * when it cannot, the queue's own visibility timeout still brings the message back, only sooner.
   */
  delay(record: SQSRecord, until: number): Promise<void>;
  send(queueUrl: string, message: OutgoingMessage): Promise<void>;
  /** SendMessageBatch calls packed to SQS's limits; returns what was not sent instead of throwing. */
  sendBatch(queueUrl: string, messages: OutgoingMessage[]): Promise<SendFailure[]>;
}

interface QueueEdgeOptions {
  /** The queue the function's event source reads (its messages are the ones delayed). */
  sourceQueueUrl: string | undefined;
  logger: LoggerLike;
  now?: () => number;
}

export function sqsQueueEdge(sqs: SQSClient, options: QueueEdgeOptions): QueueEdge {
  const now = options.now ?? Date.now;
  return {
    async delay(record, until) {
      const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.ceil((until - now()) / 1000));
      if (seconds <= 0) return;
      if (!options.sourceQueueUrl) {
        options.logger.warn('no source queue URL in the environment; the message returns after the queue visibility timeout', { messageId: record.messageId });
        return;
      }
      try {
        await sqs.send(
          new ChangeMessageVisibilityCommand({ QueueUrl: options.sourceQueueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }),
        );
      } catch (error) {
        options.logger.warn('could not delay a message; it returns after the queue visibility timeout', { messageId: record.messageId, error: String(error) });
      }
    },
    async send(queueUrl, message) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, ...sqsMessageFields(message) }));
    },
    sendBatch: (queueUrl, messages) => trySendMessageBatches(sqs, queueUrl, messages),
  };
}

/** A received message's attributes as the SDK sends them (Lambda's event spells them otherwise). */
export function sdkAttributesOf(record: SQSRecord): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
    else if (value.binaryValue !== undefined) attributes[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
  }
  return attributes;
}

/** How many times SQS has handed out this message, this delivery included (ApproximateReceiveCount). */
export function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount ?? 1);
}
