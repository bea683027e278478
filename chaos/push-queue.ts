// Helpers the chaos scenarios share: sending bodies to the push queue, and reading a DLQ out.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sendMessageBatches } from '../functions/commons/queues/sqs-batch-sender';
import { RETRIES_EXHAUSTED, receiveAll, toDeadLetter } from '../cli/dlq/dead-letters';

/**
 * Sends bodies as a steady producer would: ten at a time, waiting while the queue holds `maxDepth`
 * or more (moto's SQS does work proportional to a queue's depth on every call).
 */
export async function produceBodies(sqs: SQSClient, queueUrl: string, bodies: string[], maxDepth: number): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    while ((await queueDepth(sqs, queueUrl)) >= maxDepth) await new Promise((resolve) => setTimeout(resolve, 200));
    await sendMessageBatches(
      sqs,
      queueUrl,
      bodies.slice(i, i + 10).map((body) => ({ body })),
    );
  }
}

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

export interface DeadLetter {
  body: string;
  /** The connector's reason; for a message SQS moved after maxReceiveCount, errorClass says so. */
  errorClass: string;
  reason: string;
  /** The message's `id` when the body is JSON with a string id. */
  id?: string;
}

/** What the chaos table calls a message SQS moved after maxReceiveCount receives. */
export const MOVED_BY_QUEUE = 'MaxReceiveCountExceeded';

/** Everything on a DLQ (received and hidden for 10 minutes, so each message is read once). */
export async function readDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  const messages = await receiveAll(sqs, queueUrl, Number.POSITIVE_INFINITY, { visibilityTimeoutSeconds: 600, waitTimeSeconds: 0 });
  return messages.map((message) => {
    const letter = toDeadLetter(message);
    const id = idOf(letter.body);
    return {
      body: letter.body,
      errorClass: letter.errorClass === RETRIES_EXHAUSTED ? MOVED_BY_QUEUE : letter.errorClass,
      reason: letter.reason,
      ...(id === undefined ? {} : { id }),
    };
  });
}

function idOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
