// `redrive`: move dead-lettered messages back to the queue they came from.
// Without a filter it asks SQS to do it (StartMessageMoveTask). With a class filter or a limit, or
// where the move task is unavailable (moto answers HTTP 500 with an HTML page), it moves them
// itself: receive → send the same body and attributes to the source → delete from the DLQ. Send
// comes before delete, so an interruption can duplicate a message but never lose one; the push
// path is idempotent on the message's `id`, so a duplicate does not write to Procore twice.
import {
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { deleteMessages, isFifoQueue, queueArn } from '../aws/sqs';
import {
  DEFAULT_RECEIVE,
  originalMessage,
  receiveAll,
  receiveBatch,
  releaseMessages,
  toDeadLetter,
  type DeadLetter,
  type ReceiveOptions,
} from './dead-letters';

export interface RedriveOptions {
  /** The dead-letter queue. */
  from: string;
  /** The queue to move messages back to (the DLQ's source queue). */
  to: string;
  dryRun?: boolean;
  /** Only messages of these error classes (e.g. ProcoreRateLimited, RetriesExhausted). */
  classes?: string[];
  /** Move at most this many. */
  max?: number;
  receive?: ReceiveOptions;
  /** Try SQS's move task first when no filter or limit is given (default true). */
  useMoveTask?: boolean;
  /** How long to wait for a move task to finish before reporting it as still running. */
  moveTaskWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export type RedriveMethod = 'dry-run' | 'move-task' | 'receive-send-delete';

export interface RedriveResult {
  method: RedriveMethod;
  /** Messages moved (dry run: that would move; move task: as SQS reports it). */
  moved: number;
  /** Messages seen but left in the DLQ (other classes, or over --max). */
  skipped: number;
  /** The messages moved or, in a dry run, that would move (not listed for a move task). */
  messages: DeadLetter[];
  /** Sends SQS refused: those messages stay in the DLQ. */
  failures: { messageId: string; error: string }[];
  moveTask?: { handle: string; status: string };
  /** Why the move task was not used although it was asked for. */
  fallbackReason?: string;
}

const MAX_BATCH_BYTES = 256 * 1024;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function redrive(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  const log = options.log ?? (() => {});
  const receive = { ...DEFAULT_RECEIVE, ...options.receive };
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const wanted = (m: DeadLetter) => !options.classes || options.classes.length === 0 || options.classes.includes(m.errorClass);

  if (options.dryRun) {
    const held = await receiveAll(sqs, options.from, Number.MAX_SAFE_INTEGER, receive);
    try {
      const matching = held.map(toDeadLetter).filter(wanted);
      const messages = matching.slice(0, Number.isFinite(max) ? max : undefined);
      return { method: 'dry-run', moved: messages.length, skipped: held.length - messages.length, messages, failures: [] };
    } finally {
      await releaseMessages(sqs, options.from, held);
    }
  }

  let fallbackReason: string | undefined;
  const filtered = (options.classes?.length ?? 0) > 0 || Number.isFinite(max);
  if (options.useMoveTask !== false && !filtered) {
    // SQS's move task sends bodies as they are: wrapped dead letters are restored and moved by hand first.
    const unwrapped = await receiveSendDelete(sqs, options, receive, max, isWrapped, log);
    if (unwrapped.failures.length > 0) {
      fallbackReason = 'some wrapped dead letters cannot be restored; the move task would send them on as they are';
    } else {
      const started = await startMoveTask(sqs, options, log);
      if (started.ok) return { ...started.result, moved: unwrapped.moved + started.result.moved, messages: unwrapped.messages };
      fallbackReason = started.reason;
    }
    log(`SQS message move task not used (${fallbackReason}); moving messages one batch at a time instead`);
    const rest = await receiveSendDelete(sqs, options, receive, max, wanted, log);
    return { ...rest, moved: unwrapped.moved + rest.moved, messages: [...unwrapped.messages, ...rest.messages], fallbackReason };
  }
  return receiveSendDelete(sqs, options, receive, max, wanted, log);
}

function isWrapped(letter: DeadLetter): boolean {
  return letter.bodyWrapped !== undefined;
}

async function startMoveTask(
  sqs: SQSClient,
  options: RedriveOptions,
  log: (line: string) => void,
): Promise<{ ok: true; result: RedriveResult } | { ok: false; reason: string }> {
  const [sourceArn, destinationArn] = await Promise.all([queueArn(sqs, options.from), queueArn(sqs, options.to)]);
  let handle: string;
  try {
    const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }));
    handle = started.TaskHandle ?? '';
  } catch (error) {
    const reason = moveTaskUnavailable(error);
    if (reason) return { ok: false, reason };
    throw error;
  }
  log(`started SQS message move task ${handle}`);
  const sleep = options.sleep ?? defaultSleep;
  const deadline = Date.now() + (options.moveTaskWaitMs ?? 60_000);
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
    const task = Results.find((t) => t.TaskHandle === handle) ?? Results[0];
    const status = task?.Status ?? 'UNKNOWN';
    if (status !== 'RUNNING' || Date.now() >= deadline) {
      if (status === 'FAILED') throw new Error(`SQS message move task ${handle} failed: ${task?.FailureReason ?? 'no reason given'}`);
      return {
        ok: true,
        result: {
          method: 'move-task',
          moved: Number(task?.ApproximateNumberOfMessagesMoved ?? 0),
          skipped: 0,
          messages: [],
          failures: [],
          moveTask: { handle, status },
        },
      };
    }
    await sleep(1000);
  }
}

/**
 * The reason the move task API cannot be used here, or undefined for a real error (access denied,
 * queue missing) that the operator must see. moto: HTTP 500 with an HTML body the SDK cannot parse.
 */
export function moveTaskUnavailable(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 500 && (error.name === 'SyntaxError' || /Deserialization error|not valid JSON|<!doctype|<html/i.test(error.message))) {
    return 'the SQS endpoint answered HTTP 500 with a non-SQS body (not implemented, e.g. moto)';
  }
  if (status === 501 || /UnknownOperation|InvalidAction|NotImplemented/i.test(error.name)) return `${error.name}: the SQS endpoint does not offer it`;
  // Real SQS refuses move tasks for some queues (e.g. a DLQ no queue points at): moving by hand still works.
  if (error.name === 'UnsupportedOperation') return `UnsupportedOperation: ${error.message}`;
  return undefined;
}

async function receiveSendDelete(
  sqs: SQSClient,
  options: RedriveOptions,
  receive: ReceiveOptions,
  max: number,
  wanted: (m: DeadLetter) => boolean,
  log: (line: string) => void,
): Promise<RedriveResult> {
  const seen = new Set<string>();
  const leftInDlq: Message[] = [];
  const moved: DeadLetter[] = [];
  const failures: RedriveResult['failures'] = [];
  try {
    for (;;) {
      if (moved.length >= max) break;
      const batch = (await receiveBatch(sqs, options.from, 10, receive)).filter((m) => !seen.has(m.MessageId ?? ''));
      if (batch.length === 0) break;
      const toMove: Message[] = [];
      for (const message of batch) {
        seen.add(message.MessageId ?? '');
        if (moved.length + toMove.length < max && wanted(toDeadLetter(message))) toMove.push(message);
        else leftInDlq.push(message);
      }
      if (toMove.length === 0) continue;
      const sent = await sendCopies(sqs, options.to, toMove, failures, leftInDlq);
      // Already sent to the source queue: left in the DLQ it would only be redriven again (a duplicate).
      await deleteMessages(
        sqs,
        options.from,
        sent,
        (failed, chunk) =>
          `sent ${chunk.length} message(s) back but could not delete ${failed.length} from the DLQ (${failed[0]?.Code}: ${failed[0]?.Message}); ` +
          'they will be redriven again by the next run (a duplicate the push path ignores by message id)',
      );
      moved.push(...sent.map(toDeadLetter));
      log(`moved ${moved.length} message(s)`);
    }
  } finally {
    // Messages we held but did not move become visible again at once (not after the timeout).
    await releaseMessages(sqs, options.from, leftInDlq);
  }
  return { method: 'receive-send-delete', moved: moved.length, skipped: leftInDlq.length - failures.length, messages: moved, failures };
}

/** Sends copies of `messages` to `queueUrl`; returns those SQS accepted (failed ones go to `leftInDlq`). */
async function sendCopies(
  sqs: SQSClient,
  queueUrl: string,
  messages: Message[],
  failures: RedriveResult['failures'],
  leftInDlq: Message[],
): Promise<Message[]> {
  const entries: SendMessageBatchRequestEntry[] = [];
  messages.forEach((message, index) => {
    const original = originalMessage(message);
    if (original.ok) entries.push(copyEntry(message, original, String(index), isFifoQueue(queueUrl)));
    else {
      failures.push({ messageId: message.MessageId ?? '', error: `not sent back: ${original.reason}` });
      leftInDlq.push(message);
    }
  });
  if (entries.length === 0) return [];
  const size = entries.reduce((sum, e) => sum + entryBytes(e), 0);
  // A batch's total size is capped like a single message's; big messages go one per call.
  const groups = size <= MAX_BATCH_BYTES ? [entries] : entries.map((e) => [e]);
  const accepted: Message[] = [];
  for (const group of groups) {
    const { Successful = [], Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: group }));
    for (const ok of Successful) accepted.push(messages[Number(ok.Id)] as Message);
    for (const failed of Failed) {
      const message = messages[Number(failed.Id)] as Message;
      failures.push({ messageId: message.MessageId ?? '', error: `${failed.Code}: ${failed.Message ?? ''}`.trim() });
      leftInDlq.push(message);
    }
  }
  return accepted;
}

/** The producer's message (originalMessage), with the DLQ message's group on FIFO queues. */
function copyEntry(
  message: Message,
  { body, attributes }: { body: string; attributes: Record<string, MessageAttributeValue> },
  id: string,
  fifo: boolean,
): SendMessageBatchRequestEntry {
  return {
    Id: id,
    MessageBody: body,
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    ...(fifo
      ? {
          MessageGroupId: message.Attributes?.MessageGroupId ?? 'redrive',
          // Stable per DLQ message: a redrive repeated after a crash within SQS's 5-minute
          // deduplication window does not enqueue it twice.
          MessageDeduplicationId: `redrive-${message.MessageId ?? id}`,
        }
      : {}),
  };
}

function entryBytes(entry: SendMessageBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.MessageBody ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '') + (value.BinaryValue?.byteLength ?? 0);
  }
  return bytes;
}
