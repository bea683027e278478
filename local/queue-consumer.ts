// A downstream consumer of a queue while work runs (the records queue while workers page, for
// instance): receivers take messages off and delete them as they arrive. moto's SQS slows with
// queue depth (it scans messages per call), so consuming while producing keeps runs fast.
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { deleteMessages } from '../cli/aws/sqs';
import { receiveMessages } from './sqs-event-source';

export interface ConsumeOptions {
  /** Concurrent receivers (default 4). */
  receivers?: number;
  /** After each received batch, with the count of messages new to this consumer. */
  onBatch?: (count: number) => void;
}

/** Runs `work` while consuming `queueUrl` (receive + delete); returns every message that arrived, once each. */
export async function consumeWhile(sqs: SQSClient, queueUrl: string, work: () => Promise<unknown>, options: ConsumeOptions = {}): Promise<Message[]> {
  // Keyed by message id: moto, like SQS, may hand one message to two concurrent receivers.
  const received = new Map<string, Message>();
  let producing = true;
  const consumers = Array.from({ length: options.receivers ?? 4 }, async () => {
    for (;;) {
      const batch = await receiveMessages(sqs, queueUrl, 10, { visibilityTimeout: 900 });
      if (batch.length === 0) {
        if (!producing) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const before = received.size;
      for (const message of batch) received.set(message.MessageId ?? '', message);
      await deleteMessages(sqs, queueUrl, batch).catch((error: unknown) => {
        // A receive the SDK retried after a slow answer can hand a message out twice; the copy
        // another receiver already deleted has an invalid receipt handle here. Counted once above.
        if (!/not a valid receipt handle/i.test(String(error))) throw error;
      });
      options.onBatch?.(received.size - before);
    }
  });
  try {
    await work();
  } finally {
    producing = false;
    await Promise.all(consumers);
  }
  return [...received.values()];
}
