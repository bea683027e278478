// Plays one Lambda SQS event source mapping over function hosts until its queue is drained, as
// Lambda's poller would: one lane per concurrent execution (the mapping's MaximumConcurrency), each
// lane receives up to BatchSize messages, invokes its own sandbox with a real-shaped SQS event,
// deletes what succeeded and leaves batch item failures (or the whole batch, when the invocation
// failed) on the queue. The queue's redrive policy (moto applies it on receive) moves a message to
// its DLQ after maxReceiveCount receives.
//
// One local liberty: the stack's visibility timeouts are long (minutes), so a failed message would
// not come back within a short run. The player makes failed messages visible again after
// `retryDelaySeconds` instead (ChangeMessageVisibility), which also shortens a handler's own
// deferral (e.g. to a rate-limit reset) of those messages.
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FunctionHost } from './function-host';
import { deleteMessages, receiveMessages, sqsRecordFromMessage } from './sqs-event-source';

export interface EventSourceMappingPlay {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  /** One sandbox per lane: lanes = hosts.length (the mapping's maximum concurrency). */
  hosts: FunctionHost[];
  /** When failed messages come back (instead of the queue's visibility timeout). */
  retryDelaySeconds: number;
  /** Give up after this long, leaving what is left on the queue. */
  maxDurationMs: number;
  /** After each invocation. */
  onBatch?: (batch: PlayedBatch) => void;
}

export interface PlayedBatch {
  lane: number;
  received: number;
  deleted: number;
  /** Messages left on the queue: batch item failures, or the whole batch when the invocation failed. */
  failed: number;
  /** The invocation rejected (handler threw, sandbox died or timed out). */
  error?: string;
}

export interface PlayOutcome {
  invocations: number;
  received: number;
  deleted: number;
  failed: number;
  invocationErrors: string[];
  /** False when maxDurationMs ran out with messages still on the queue. */
  drained: boolean;
}

const HELD = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

async function queueIsEmpty(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...HELD] }));
  return HELD.every((name) => Number(Attributes[name] ?? 0) === 0);
}

async function retryLater(sqs: SQSClient, queueUrl: string, messages: Message[], seconds: number): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    // Failures of single entries (a handle gone stale) leave that message on its own timeout: harmless.
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.slice(i, i + 10).map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: seconds })),
      }),
    );
  }
}

export async function playEventSourceMapping(play: EventSourceMappingPlay): Promise<PlayOutcome> {
  const { sqs, queueUrl, queueArn } = play;
  const outcome: PlayOutcome = { invocations: 0, received: 0, deleted: 0, failed: 0, invocationErrors: [], drained: true };
  const deadline = Date.now() + play.maxDurationMs;
  let busy = 0;

  async function lane(index: number, host: FunctionHost): Promise<void> {
    while (Date.now() < deadline) {
      const messages = await receiveMessages(sqs, queueUrl, play.batchSize, { waitTimeSeconds: 1 });
      if (messages.length === 0) {
        // Done when nothing is visible, in flight or delayed, and no other lane may still add work.
        if (busy === 0 && (await queueIsEmpty(sqs, queueUrl))) return;
        continue;
      }
      busy += 1;
      try {
        const event: SQSEvent = { Records: messages.map((m) => sqsRecordFromMessage(m, queueArn)) };
        let failedIds: Set<string>;
        let error: string | undefined;
        try {
          const response = await host.invoke<SQSBatchResponse | undefined>(event);
          failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (invokeError) {
          error = invokeError instanceof Error ? invokeError.message : String(invokeError);
          failedIds = new Set(messages.map((m) => m.MessageId ?? ''));
        }
        const succeeded = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
        const failed = messages.filter((m) => failedIds.has(m.MessageId ?? ''));
        await deleteMessages(sqs, queueUrl, succeeded);
        if (failed.length > 0) await retryLater(sqs, queueUrl, failed, play.retryDelaySeconds);
        outcome.invocations += 1;
        outcome.received += messages.length;
        outcome.deleted += succeeded.length;
        outcome.failed += failed.length;
        if (error) outcome.invocationErrors.push(error);
        play.onBatch?.({ lane: index, received: messages.length, deleted: succeeded.length, failed: failed.length, ...(error ? { error } : {}) });
      } finally {
        busy -= 1;
      }
    }
    outcome.drained = await queueIsEmpty(sqs, queueUrl);
  }

  await Promise.all(play.hosts.map((host, index) => lane(index, host)));
  return outcome;
}
