// Queues in the shared moto for the CLI tests: unique names, a source queue whose redrive policy
// points at its DLQ, and dead letters written the way the connector writes them.
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { deadLetterMessage, type FailureReason } from '../../functions/commons/queues/dead-letter';

export const sqs = new SQSClient({});

export interface QueuePair {
  sourceUrl: string;
  dlqUrl: string;
}

export async function createQueuePair(prefix: string, options: { fifo?: boolean; maxReceiveCount?: number } = {}): Promise<QueuePair> {
  const suffix = `${randomUUID().slice(0, 8)}${options.fifo ? '.fifo' : ''}`;
  const fifo = options.fifo ? { FifoQueue: 'true' } : {};
  const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-dlq-${suffix}`, Attributes: fifo }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const { QueueUrl: sourceUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-src-${suffix}`,
      Attributes: {
        ...fifo,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: options.maxReceiveCount ?? 1 }),
      },
    }),
  );
  return { sourceUrl: sourceUrl!, dlqUrl: dlqUrl! };
}

export async function deadLetter(
  dlqUrl: string,
  body: string,
  reason: FailureReason,
  extra: { attributes?: Record<string, MessageAttributeValue>; groupId?: string } = {},
): Promise<void> {
  const message = deadLetterMessage({
    body,
    reason,
    ...(extra.attributes ? { originalAttributes: extra.attributes } : {}),
    ...(extra.groupId ? { messageGroupId: extra.groupId, messageDeduplicationId: randomUUID() } : {}),
  });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: message.body,
      MessageAttributes: message.attributes,
      ...(message.groupId ? { MessageGroupId: message.groupId, MessageDeduplicationId: message.deduplicationId } : {}),
    }),
  );
}

/** Lets SQS itself dead-letter a message: receive it past maxReceiveCount (1) on the source queue. */
export async function exhaustRetries(pair: QueuePair, body: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: pair.sourceUrl, MessageBody: body }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: pair.sourceUrl, VisibilityTimeout: 0 }));
  // The next receive finds it over maxReceiveCount and moves it to the DLQ instead of returning it.
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: pair.sourceUrl, VisibilityTimeout: 0 }));
  if (Messages.length > 0) throw new Error('moto returned the message instead of dead-lettering it');
}

/** Takes every message of a queue (each received once and kept hidden for 5 minutes). */
export async function takeAll(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 300,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

/** Visible plus in-flight messages. */
export async function messageCount(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}
