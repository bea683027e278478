// Plays Lambda's SQS event source mapping over function hosts (each handler in its own process):
// one lane per concurrent execution (the mapping's maximum concurrency), each lane polls a batch,
// invokes its host, deletes what succeeded and leaves batch item failures to come back after the
// queue's visibility timeout. A killed or crashed invocation leaves its whole batch, as in Lambda.
// Stops when the queue holds nothing (visible or in flight) and no lane is busy, or at a deadline.
import { GetQueueAttributesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FunctionHost } from '../local/function-host';
import type { QueueRef } from '../local/scenario/connector-scenario';
import { deleteMessages, receiveMessages, sqsRecordFromMessage } from '../local/sqs-event-source';

export interface RunningInvocation {
  lane: number;
  /** 1-based, across all lanes, in start order. */
  sequence: number;
  host: FunctionHost;
  messages: Message[];
  /** True once the invocation returned or failed. */
  settled(): boolean;
}

export interface EventSourceOutcome {
  invocations: number;
  /** Messages handed back as batch item failures. */
  batchItemFailures: number;
  /** Invocations that rejected: the handler threw, the sandbox died (killed) or timed out. */
  failedInvocations: number;
  failures: string[];
}

export async function playQueueUntilEmpty(options: {
  sqs: SQSClient;
  queue: QueueRef;
  hosts: FunctionHost[];
  batchSize: number;
  /** Give up (throw) after this long: chaos runs are bounded in time. */
  maxDurationMs: number;
  onInvoke?: (invocation: RunningInvocation) => void;
  /** While this says true (a producer is still sending), an empty queue does not end the run. */
  producing?: () => boolean;
}): Promise<EventSourceOutcome> {
  const { sqs, queue, hosts, batchSize } = options;
  const outcome: EventSourceOutcome = { invocations: 0, batchItemFailures: 0, failedInvocations: 0, failures: [] };
  const deadline = Date.now() + options.maxDurationMs;
  let busy = 0;
  let sequence = 0;

  async function queueIsEmpty(): Promise<boolean> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const held = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'];
    return held.every((name) => Number(Attributes[name as keyof typeof Attributes] ?? 0) === 0);
  }

  async function lane(index: number, host: FunctionHost): Promise<void> {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`event source for ${queue.url} still busy after ${options.maxDurationMs} ms`);
      const messages = await receiveMessages(sqs, queue.url, batchSize, { waitTimeSeconds: 1 });
      if (messages.length === 0) {
        if (busy === 0 && !options.producing?.() && (await queueIsEmpty())) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      busy += 1;
      outcome.invocations += 1;
      let settled = false;
      try {
        const event: SQSEvent = { Records: messages.map((m) => sqsRecordFromMessage(m, queue.arn)) };
        const pending = host.invoke<SQSBatchResponse>(event);
        options.onInvoke?.({ lane: index, sequence: ++sequence, host, messages, settled: () => settled });
        let response: SQSBatchResponse;
        try {
          response = await pending;
        } catch (error) {
          outcome.failedInvocations += 1;
          outcome.failures.push((error as Error).message);
          continue;
        } finally {
          settled = true;
        }
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        outcome.batchItemFailures += failed.size;
        await deleteMessages(sqs, queue.url, messages.filter((m) => !failed.has(m.MessageId ?? '')));
      } finally {
        busy -= 1;
      }
    }
  }

  await Promise.all(hosts.map((host, index) => lane(index, host)));
  return outcome;
}

/** Consumes a queue (receive + delete) while `work` runs, as a downstream consumer would; returns what arrived. */
export async function consumeWhile(
  sqs: SQSClient,
  queueUrl: string,
  work: () => Promise<unknown>,
  options: { receivers?: number; onBatch?: (count: number) => void } = {},
): Promise<Message[]> {
  // moto's SQS slows with queue depth, so messages are taken off while they are produced.
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
      // Keyed by message id: one message handed to two receivers is still one delivery.
      const before = received.size;
      for (const message of batch) received.set(message.MessageId ?? '', message);
      await deleteMessages(sqs, queueUrl, batch);
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
