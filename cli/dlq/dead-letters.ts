// Reading a dead-letter queue without consuming it: receive everything with a visibility timeout
// (so a message is seen once per pass), then make it visible again at once. If the CLI dies in
// between, the messages reappear when the timeout runs out: nothing is lost either way.
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTE_NAMES, readFailureAttributes, type FailureReason } from '../../functions/commons/queues/dead-letter';
import { unwrapBody, type Unwrapped } from '../../functions/commons/queues/wrapped-body';

/**
 * Messages that reached the DLQ through the queue's redrive policy (maxReceiveCount receives: a
 * downstream consumer that kept failing, or a push/worker function that died on its last attempt and
 * on the spare receive after it) carry no connector failure attributes.
 */
export const RETRIES_EXHAUSTED = 'RetriesExhausted';

export interface DeadLetter {
  messageId: string;
  body: string;
  /** The connector's error class, or RetriesExhausted when SQS moved it after maxReceiveCount. */
  errorClass: string;
  reason: string;
  failure?: FailureReason;
  failedAt?: string;
  sentAt?: string;
  /** Times received, counted by SQS across the source queue and this DLQ (inspecting adds one). */
  receiveCount: number;
  messageGroupId?: string;
  /** The message's other attributes (routing keys the producer set), string values only. */
  attributes: Record<string, string>;
  /** How the connector wrapped a body too large beside its reason (`body` is then the original, when it could be kept). */
  bodyWrapped?: string;
}

export function toDeadLetter(message: Message): DeadLetter {
  const failure = readFailureAttributes(message.MessageAttributes);
  const system = message.Attributes ?? {};
  const receiveCount = Number(system.ApproximateReceiveCount ?? 0);
  const sent = Number(system.SentTimestamp);
  const failedAt = message.MessageAttributes?.[FAILURE_ATTRIBUTE_NAMES.failedAt]?.StringValue;
  const bodyWrapped = message.MessageAttributes?.[FAILURE_ATTRIBUTE_NAMES.bodyWrapped]?.StringValue;
  const original = originalMessage(message);
  const attributes = Object.fromEntries(
    Object.entries(original.ok ? original.attributes : {})
      .filter(([, value]) => value.StringValue !== undefined)
      .map(([name, value]) => [name, value.StringValue as string]),
  );
  return {
    messageId: message.MessageId ?? '',
    body: original.ok ? original.body : (message.Body ?? ''),
    errorClass: failure?.errorClass ?? RETRIES_EXHAUSTED,
    reason:
      failure?.message ??
      'moved by the queue redrive policy after maxReceiveCount receives (its consumer kept failing, or the function died on its last attempt and on the spare receive)',
    ...(failure ? { failure } : {}),
    ...(failedAt ? { failedAt } : {}),
    ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
    receiveCount,
    ...(system.MessageGroupId ? { messageGroupId: system.MessageGroupId } : {}),
    attributes,
    ...(bodyWrapped ? { bodyWrapped } : {}),
  };
}

/**
 * The message the producer sent, as a redrive sends it back: the body byte for byte and the
 * producer's attributes, without the connector's failure ones. A body the connector wrapped (too
 * large beside its reason, `connector.bodyWrapped`) is unwrapped and checked against its SHA-256;
 * one it could not keep, or a wrapper that does not check out, is refused with the reason.
 */
export function originalMessage(message: Message): Unwrapped {
  const wrapped = message.MessageAttributes?.[FAILURE_ATTRIBUTE_NAMES.bodyWrapped]?.StringValue;
  if (wrapped !== undefined) return unwrapBody(message.Body ?? '');
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (isFailureAttribute(name)) continue;
    attributes[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  return { ok: true, body: message.Body ?? '', attributes };
}

/** The connector's own failure attributes (connector.*), dropped when a message is redriven. */
function isFailureAttribute(name: string): boolean {
  return name.startsWith('connector.');
}

export interface ReceiveOptions {
  /** Seconds a received message stays hidden from other consumers (and from this pass). */
  visibilityTimeoutSeconds: number;
  /** Long polling asks every SQS server, so an empty answer really means "nothing visible". */
  waitTimeSeconds: number;
}

export const DEFAULT_RECEIVE: ReceiveOptions = { visibilityTimeoutSeconds: 60, waitTimeSeconds: 1 };

/** One ReceiveMessage call of up to `max` (≤ 10) messages with every attribute. */
export async function receiveBatch(sqs: SQSClient, queueUrl: string, max: number, options: ReceiveOptions): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
      VisibilityTimeout: options.visibilityTimeoutSeconds,
      WaitTimeSeconds: options.waitTimeSeconds,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** Receives until the queue answers empty, `max` are held, or a message comes round a second time. */
export async function receiveAll(sqs: SQSClient, queueUrl: string, max: number, options: ReceiveOptions = DEFAULT_RECEIVE): Promise<Message[]> {
  const held: Message[] = [];
  const seen = new Set<string>();
  while (held.length < max) {
    const batch = await receiveBatch(sqs, queueUrl, max - held.length, options);
    const fresh = batch.filter((m) => !seen.has(m.MessageId ?? ''));
    for (const m of fresh) seen.add(m.MessageId ?? '');
    held.push(...fresh);
    if (fresh.length === 0) break;
  }
  return held;
}

/** Makes held messages visible again after `visibilityTimeoutSeconds` (default 0: now). */
export async function releaseMessages(sqs: SQSClient, queueUrl: string, messages: Message[], visibilityTimeoutSeconds = 0): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const { Failed = [] } = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: visibilityTimeoutSeconds })),
      }),
    );
    // A handle can be stale if its timeout already ran out: the message is visible again anyway.
    const unexpected = Failed.filter((f) => f.Code !== 'ReceiptHandleIsInvalid' && f.Code !== 'MessageNotInflight');
    if (unexpected.length > 0) {
      throw new Error(`could not make ${unexpected.length} message(s) visible again in ${queueUrl}: ${unexpected[0]?.Message ?? unexpected[0]?.Code}`);
    }
  }
}
