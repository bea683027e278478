// Plays one Lambda SQS event source mapping over function hosts (each handler in its own process)
// until its queue is drained, as Lambda's poller would: one lane per concurrent execution (the
// mapping's MaximumConcurrency), each lane receives up to BatchSize messages, invokes its own
// sandbox with a real-shaped SQS event, deletes what succeeded and leaves batch item failures (or
// the whole batch, when the invocation failed or its sandbox was killed) on the queue. The queue's
// redrive policy (moto applies it on receive) moves a message to its DLQ after maxReceiveCount receives.
// Given the function's recursive loop setting, it also applies Lambda's recursive loop detection
// (local/lambda-recursion.ts): it passes each invocation its chain's trace header and stops the
// messages of a chain past 16 invocations under Terminate, as Lambda does.
// Used by npm start, chaos, bench and tests.
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { queueIsEmpty } from '../cli/aws/sqs';
import { releaseMessages } from '../cli/dlq/dead-letters';
import type { FunctionHost } from './function-host';
import { applyRecursionRule, type RecursionRule } from './lambda-recursion';
import { invokeAndSettle, receiveMessages, stopRecursiveMessages } from './sqs-event-source';

export interface EventSourceMappingPlay {
  sqs: SQSClient;
  queue: { url: string; arn: string };
  batchSize: number;
  /** One sandbox per lane: lanes = hosts.length (the mapping's maximum concurrency). */
  hosts: FunctionHost[];
  /**
   * A local liberty: the stack's visibility timeouts are long (minutes), so a failed message would
   * not come back within a short run. When set, failed messages are made visible again after this
   * many seconds (ChangeMessageVisibility), which also shortens a handler's own deferral (e.g. to a
   * rate-limit reset). Absent: they come back on the queue's own visibility timeout.
   */
  retryDelaySeconds?: number;
  /** Give up after this long, leaving what is left on the queue (the outcome says `drained: false`). */
  maxDurationMs: number;
  /** While this says true (a producer is still sending), an empty queue does not end the play. */
  producing?: () => boolean;
  /** As each invocation starts, with a handle on it (chaos kills a sandbox mid-invocation). */
  onInvoke?: (invocation: RunningInvocation) => void;
  /** After each invocation. Throwing ends the play with that error. */
  onBatch?: (batch: PlayedBatch) => void;
  /** The function's name and recursive loop setting: apply Lambda's recursive loop detection. */
  recursion?: RecursionRule;
}

export interface RunningInvocation {
  lane: number;
  /** 1-based, across all lanes, in start order. */
  sequence: number;
  host: FunctionHost;
  messages: Message[];
  /** True once the invocation returned or failed. */
  settled(): boolean;
}

export interface PlayedBatch {
  lane: number;
  received: number;
  deleted: number;
  /** Messages left on the queue: batch item failures, or the whole batch when the invocation failed. */
  failed: number;
  /** Those messages, to come back for another attempt. */
  returned: Message[];
  /** The invocation rejected (handler threw, sandbox died or timed out). */
  error?: string;
}

export interface PlayOutcome {
  invocations: number;
  received: number;
  deleted: number;
  /** Messages left on the queue for another attempt (batch item failures and failed invocations' batches). */
  failed: number;
  /** Messages the handler itself handed back as batch item failures. */
  batchItemFailures: number;
  /** One message per invocation that rejected. */
  invocationErrors: string[];
  /** False when maxDurationMs ran out with messages still on the queue. */
  drained: boolean;
  /** Messages not invoked because their chain passed Lambda's recursion limit (moved to the DLQ, or dropped without one). */
  recursionStopped: number;
  /** The deepest chain invoked (invocations of the function in one chain). */
  deepestChain: number;
}

export async function playEventSourceMapping(play: EventSourceMappingPlay): Promise<PlayOutcome> {
  const { sqs, queue } = play;
  const outcome: PlayOutcome = {
    invocations: 0,
    received: 0,
    deleted: 0,
    failed: 0,
    batchItemFailures: 0,
    invocationErrors: [],
    drained: true,
    recursionStopped: 0,
    deepestChain: 0,
  };
  const deadline = Date.now() + play.maxDurationMs;
  let busy = 0;
  let sequence = 0;
  let stopped = false;

  /** Lambda's recursive loop detection: the messages to invoke with, and the invocation's trace header. */
  async function recursionChecked(received: Message[]): Promise<{ messages: Message[]; traceId: string | undefined }> {
    if (!play.recursion) return { messages: received, traceId: undefined };
    const decision = applyRecursionRule(received, play.recursion);
    if (decision.stopped.length > 0) {
      await stopRecursiveMessages(sqs, queue.url, decision.stopped);
      outcome.recursionStopped += decision.stopped.length;
    }
    outcome.deepestChain = Math.max(outcome.deepestChain, decision.chainDepth);
    return { messages: decision.invoke, traceId: decision.traceHeader };
  }

  async function lane(index: number, host: FunctionHost): Promise<void> {
    while (!stopped && Date.now() < deadline) {
      const received = await receiveMessages(sqs, queue.url, play.batchSize, { waitTimeSeconds: 1 });
      if (received.length === 0) {
        // Done when nothing is visible, in flight or delayed, and nothing may still add work.
        if (busy === 0 && !play.producing?.() && (await queueIsEmpty(sqs, queue.url))) return;
        continue;
      }
      busy += 1;
      try {
        const { messages, traceId } = await recursionChecked(received);
        if (messages.length === 0) continue;
        let settled = false;
        const batch = await invokeAndSettle(sqs, queue, messages, (event) => {
          const pending = host.invoke<SQSBatchResponse | undefined>(event, { traceId }).finally(() => {
            settled = true;
          });
          play.onInvoke?.({ lane: index, sequence: ++sequence, host, messages, settled: () => settled });
          return pending;
        });
        if (batch.failed.length > 0 && play.retryDelaySeconds !== undefined) await releaseMessages(sqs, queue.url, batch.failed, play.retryDelaySeconds);
        outcome.invocations += 1;
        outcome.received += messages.length;
        outcome.deleted += batch.succeeded.length;
        outcome.failed += batch.failed.length;
        outcome.batchItemFailures += batch.batchItemFailures;
        if (batch.error !== undefined) outcome.invocationErrors.push(batch.error);
        play.onBatch?.({
          lane: index,
          received: messages.length,
          deleted: batch.succeeded.length,
          failed: batch.failed.length,
          returned: batch.failed,
          ...(batch.error !== undefined ? { error: batch.error } : {}),
        });
      } finally {
        busy -= 1;
      }
    }
  }

  const lanes = await Promise.allSettled(
    play.hosts.map((host, index) =>
      lane(index, host).catch((error: unknown) => {
        stopped = true; // the other lanes finish the batch in hand and stop
        throw error;
      }),
    ),
  );
  const failedLane = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failedLane) throw failedLane.reason;
  outcome.drained = await queueIsEmpty(sqs, queue.url);
  return outcome;
}

/** For callers that treat a play still busy at its deadline as a failure. */
export function requireDrained(outcome: PlayOutcome, what: string, maxDurationMs: number): PlayOutcome {
  if (!outcome.drained) throw new Error(`${what}: the queue still held messages after ${maxDurationMs} ms`);
  return outcome;
}
