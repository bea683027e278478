// Sends many messages with SendMessageBatch, packed to SQS's limits: at most 10 entries and
// MAX_MESSAGE_BYTES (1 MiB: bodies plus attributes) per message and per call. Entries SQS refuses for its own reasons are retried.
// `trySendMessageBatches` reports per message what could not be sent (callers that answer for each
// message, like the push handler); `sendMessageBatches` fails loudly instead (all or nothing callers).
import type { MessageAttributeValue, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { AwsRequestError, SDK_STANDARD_BACKOFF } from '../aws/aws-request-error';
import { sendMessageBatchRequest } from '../aws/sqs-message-batch-request';
import { MAX_MESSAGE_BYTES } from './message-size';
import { fullJitterDelay, realSleep } from '../procore/timing';

const SQS_MAX_BATCH_ENTRIES = 10;
/** Per message and per batch (SQS counts body + attribute names, types and values); the queues' MaximumMessageSize. */
export const SQS_MAX_PAYLOAD_BYTES = MAX_MESSAGE_BYTES;

export interface OutgoingMessage {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  delaySeconds?: number;
  /** FIFO queues only. */
  groupId?: string;
  /** FIFO queues only (unless the queue deduplicates by content). */
  deduplicationId?: string;
}

/** The message as SendMessage and SendMessageBatch entries spell it (the fields both share). */
export function sqsMessageFields(
  message: OutgoingMessage,
): Pick<SendMessageBatchRequestEntry, 'MessageBody' | 'MessageAttributes' | 'DelaySeconds' | 'MessageGroupId' | 'MessageDeduplicationId'> {
  return {
    MessageBody: message.body,
    ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
    ...(message.delaySeconds ? { DelaySeconds: message.delaySeconds } : {}),
    ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
    ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
  };
}

/** A message that was not sent: its index in the caller's list and why. */
export interface SendFailure {
  index: number;
  code: string;
  message: string;
  /** True when SQS blamed the request (retrying the same entry cannot help). */
  senderFault: boolean;
  /** The SDK's error, when the whole call failed. */
  cause?: unknown;
}

/**
 * UTF-16 units of what SQS counts (body, attribute names, types and string values), or undefined
 * with a binary attribute. UTF-8 takes at most 3 bytes per unit, so 3 × units bounds the size
 * without encoding anything: most records are far below every limit, and counting their bytes
 * exactly (Buffer.byteLength per string) was a measurable part of a pulled record's CPU.
 */
function utf16Units(message: OutgoingMessage): number | undefined {
  let units = message.body.length;
  for (const name in message.attributes) {
    const value = message.attributes[name]!;
    if (value.BinaryValue) return undefined;
    units += name.length + (value.DataType?.length ?? 0) + (value.StringValue?.length ?? 0);
  }
  return units;
}

/** Whether the message is over `limit` bytes, counted exactly only when the bound does not settle it. */
export function exceedsBytes(message: OutgoingMessage, limit: number): boolean {
  const units = utf16Units(message);
  return (units === undefined || 3 * units > limit) && messageBytes(message) > limit;
}

/**
 * The size packing reckons with: the bound when even 10 such messages fit one call (a batch of them
 * closes at 10 entries, as with their exact sizes; beside a large message a batch may close an
 * entry earlier, never past the limit), else the exact size.
 */
function packingBytes(message: OutgoingMessage): number {
  const units = utf16Units(message);
  return units !== undefined && 3 * units <= SQS_MAX_PAYLOAD_BYTES / SQS_MAX_BATCH_ENTRIES ? 3 * units : messageBytes(message);
}

export function messageBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(message.attributes ?? {})) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    bytes += Buffer.byteLength(value.StringValue ?? '', 'utf8') + (value.BinaryValue?.byteLength ?? 0);
  }
  return bytes;
}

/** Greedy packing in order: a batch closes at 10 entries or when the next message would overflow it. */
export function packBatches<M extends OutgoingMessage>(messages: M[], limits: { maxEntries?: number; maxBytes?: number } = {}): M[][] {
  return packBySize(messages, messageBytes, limits);
}

function packBySize<T>(items: T[], sizeOf: (item: T) => number, limits: { maxEntries?: number; maxBytes?: number } = {}): T[][] {
  const maxEntries = limits.maxEntries ?? SQS_MAX_BATCH_ENTRIES;
  const maxBytes = limits.maxBytes ?? SQS_MAX_PAYLOAD_BYTES;
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const message of items) {
    const size = sizeOf(message);
    if (size > maxBytes) throw new Error(`a message of ${size} bytes exceeds the SQS limit of ${maxBytes} bytes`);
    if (current.length === maxEntries || currentBytes + size > maxBytes) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface SendBatchesOptions {
  /** SendMessageBatch calls in flight at once. FIFO queues: pass 1 to keep each group's order. */
  concurrency?: number;
  /** Tries per entry that SQS failed on its side. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Indexed = { index: number; message: OutgoingMessage; bytes: number };

/**
 * Sends every message it can; never throws for a message it could not send, but returns it
 * (sorted by index). A message too large for SQS is reported without being sent; a call that
 * fails as a whole (after its own retries, sqs-message-batch-request.ts) fails each of its entries.
 */
export function trySendMessageBatches(sqs: SQSClient, queueUrl: string, messages: OutgoingMessage[], options: SendBatchesOptions = {}): Promise<SendFailure[]> {
  return sendBatches(sqs, queueUrl, messages, options, false);
}

/** With `stopAtFirstFailure`, nothing is sent once a message failed (an oversized one: nothing at all). */
async function sendBatches(
  sqs: SQSClient,
  queueUrl: string,
  messages: OutgoingMessage[],
  options: SendBatchesOptions,
  stopAtFirstFailure: boolean,
): Promise<SendFailure[]> {
  const failures: SendFailure[] = [];
  const sendable: Indexed[] = [];
  messages.forEach((message, index) => {
    const bytes = packingBytes(message);
    if (bytes > SQS_MAX_PAYLOAD_BYTES) {
      failures.push({ index, code: 'MessageTooLong', message: `${bytes} bytes exceed the SQS limit of ${SQS_MAX_PAYLOAD_BYTES}`, senderFault: true });
    } else {
      sendable.push({ index, message, bytes });
    }
  });
  const batches = packBySize(sendable, (entry) => entry.bytes);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
    while (next < batches.length && !(stopAtFirstFailure && failures.length > 0)) {
      const batch = batches[next++]!;
      failures.push(...(await sendOneBatch(sqs, queueUrl, batch, options)));
    }
  });
  await Promise.all(lanes);
  return failures.sort((a, b) => a.index - b.index);
}

/** Sends all messages or throws naming what SQS refused (after retrying its own failures). */
export async function sendMessageBatches(sqs: SQSClient, queueUrl: string, messages: OutgoingMessage[], options: SendBatchesOptions = {}): Promise<void> {
  // Stops at the first failure: an oversized message (the caller's bug) stops it before anything is sent.
  const failures = await sendBatches(sqs, queueUrl, messages, options, true);
  const senderFault = failures.find((failure) => failure.senderFault);
  if (senderFault) {
    throw new Error(`SQS refused a message for ${queueUrl}: ${senderFault.code} ${senderFault.message}`.trim(), { cause: senderFault.cause });
  }
  const first = failures[0];
  if (first) {
    throw new Error(`SQS failed ${failures.length} message(s) for ${queueUrl}: ${first.code} ${first.message}`.trim(), { cause: first.cause });
  }
}

async function sendOneBatch(sqs: SQSClient, queueUrl: string, batch: Indexed[], options: SendBatchesOptions): Promise<SendFailure[]> {
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  const failures: SendFailure[] = [];
  // Entry ids are positions in this batch; SQS wants them unique per call only.
  let pending = batch.map((entry, position) => ({ id: String(position), ...entry }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    let failed: { Id?: string; Code?: string; Message?: string; SenderFault?: boolean }[];
    try {
      const entries = pending.map(({ id, message }) => ({ Id: id, ...sqsMessageFields(message) }));
      failed = await sendMessageBatchRequest(sqs, queueUrl, entries, { sleep: options.sleep });
    } catch (error) {
      // The call was already retried; what is left is for the caller to answer for.
      const code = error instanceof AwsRequestError ? error.errorClass : error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      for (const entry of pending) failures.push({ index: entry.index, code, message, senderFault: false, cause: error });
      return failures;
    }
    const byId = new Map(failed.map((failure) => [failure.Id, failure]));
    const retry: typeof pending = [];
    for (const entry of pending) {
      const failure = byId.get(entry.id);
      if (!failure) continue;
      const senderFault = failure.SenderFault ?? false;
      if (senderFault || attempt >= maxAttempts) {
        failures.push({
          index: entry.index,
          code: failure.Code ?? 'Unknown',
          message: `${failure.Message ?? ''}${senderFault ? '' : ` (after ${attempt} attempts)`}`.trim(),
          senderFault,
        });
      } else {
        retry.push(entry);
      }
    }
    pending = retry;
    // Entries SQS failed on its side wait as a failed call does (the SDK's standard backoff).
    if (pending.length > 0) await sleep(fullJitterDelay(attempt, Math.random, SDK_STANDARD_BACKOFF));
  }
  return failures;
}
