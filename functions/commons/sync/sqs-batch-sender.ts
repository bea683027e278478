// Sends many messages with SendMessageBatch, packed to SQS's limits: at most 10 entries and
// 256 KiB (bodies plus attributes) per call. Entries SQS refuses for its own reasons are retried;
// entries it refuses as the sender's fault are a bug and fail loudly.
import { SendMessageBatchCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';

export const SQS_MAX_BATCH_ENTRIES = 10;
/** Per message and per batch (SQS counts body + attribute names, types and values). */
export const SQS_MAX_PAYLOAD_BYTES = 256 * 1024;

export interface OutgoingMessage {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  delaySeconds?: number;
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
export function packBatches<M extends OutgoingMessage>(
  messages: M[],
  limits: { maxEntries?: number; maxBytes?: number } = {},
): M[][] {
  const maxEntries = limits.maxEntries ?? SQS_MAX_BATCH_ENTRIES;
  const maxBytes = limits.maxBytes ?? SQS_MAX_PAYLOAD_BYTES;
  const batches: M[][] = [];
  let current: M[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
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
  /** SendMessageBatch calls in flight at once. */
  concurrency?: number;
  /** Tries per entry that SQS failed on its side. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendMessageBatches(
  sqs: SQSClient,
  queueUrl: string,
  messages: OutgoingMessage[],
  options: SendBatchesOptions = {},
): Promise<void> {
  const batches = packBatches(messages);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      await sendOneBatch(sqs, queueUrl, batch, options);
    }
  });
  await Promise.all(lanes);
}

async function sendOneBatch(
  sqs: SQSClient,
  queueUrl: string,
  batch: OutgoingMessage[],
  options: SendBatchesOptions,
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? defaultSleep;
  let pending = batch.map((message, index) => ({ id: String(index), message }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: pending.map(({ id, message }) => ({
          Id: id,
          MessageBody: message.body,
          ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
          ...(message.delaySeconds ? { DelaySeconds: message.delaySeconds } : {}),
        })),
      }),
    );
    const senderFault = Failed.find((failure) => failure.SenderFault);
    if (senderFault) {
      throw new Error(`SQS refused a message for ${queueUrl}: ${senderFault.Code} ${senderFault.Message ?? ''}`.trim());
    }
    if (Failed.length > 0 && attempt >= maxAttempts) {
      throw new Error(`SQS failed ${Failed.length} message(s) for ${queueUrl} after ${attempt} attempts: ${Failed[0]?.Code}`);
    }
    const failedIds = new Set(Failed.map((failure) => failure.Id));
    pending = pending.filter(({ id }) => failedIds.has(id));
    if (pending.length > 0) await sleep(Math.random() * 100 * 2 ** attempt);
  }
}
