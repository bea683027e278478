// Dead letters written by the connector itself (permanent failures at once, retried ones on their
// last attempt, a message whose last attempt died on the receive after it: see decisions.ts). The body is kept byte for byte so a
// redrive replays exactly what was sent; the reason travels as message attributes, which SQS keeps
// when a message is moved back. Only the connector writes `connector.*` attributes: a producer's
// own are dropped, so a reason on a dead letter is always the connector's. Every dead letter fits
// SQS: attribute values hold only characters SQS accepts (sqs-text.ts), and a body too large to
// travel beside its reason and the producer's attributes travels gzipped inside a wrapper that
// keeps them all (wrapped-body.ts), or, where even that does not fit, with a shorter reason.
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Failure } from '../failure/classify';
import { MAX_MESSAGE_BYTES } from './message-size';
import { receiveCountOf, sdkAttributesOf } from './sqs-adapter';
import { messageBytes, type OutgoingMessage } from './sqs-batch-sender';
import { sqsSafeText, truncateUtf8 } from './sqs-text';
import { BODY_WRAPPED, wrapBody } from './wrapped-body';

/** Why an exchange failed, as a DLQ consumer or operator sees it. Never holds secrets or tokens. */
export interface FailureReason {
  /** Stable class name, e.g. InvalidJson, SchemaInvalid, UnknownResource, ProcoreValidation. */
  errorClass: string;
  message: string;
  httpStatus?: number;
  procoreRequestId?: string;
  /** How many times the message had been received (SQS ApproximateReceiveCount). */
  attempts: number;
}

export const FAILURE_ATTRIBUTE_NAMES = {
  errorClass: 'connector.errorClass',
  message: 'connector.errorMessage',
  httpStatus: 'connector.httpStatus',
  procoreRequestId: 'connector.procoreRequestId',
  attempts: 'connector.attempts',
  failedAt: 'connector.failedAt',
  /** Set when the body is a wrapper holding the original gzipped (wrapped-body.ts). */
  bodyWrapped: 'connector.bodyWrapped',
} as const;

/** Attribute names only the connector writes; compared case-insensitively when dropping a producer's. */
const CONNECTOR_PREFIX = 'connector.';

function isConnectorAttribute(name: string): boolean {
  return name.toLowerCase().startsWith(CONNECTOR_PREFIX);
}

const MAX_MESSAGE_CHARS = 1000;

function text(value: string): MessageAttributeValue {
  // SQS refuses empty values and characters outside its set; reasons may quote input.
  return { DataType: 'String', StringValue: sqsSafeText(value) || '(empty)' };
}

function num(value: number): MessageAttributeValue {
  return { DataType: 'Number', StringValue: String(value) };
}

function failureAttributes(reason: FailureReason, now: Date = new Date()): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    [FAILURE_ATTRIBUTE_NAMES.errorClass]: text(reason.errorClass),
    [FAILURE_ATTRIBUTE_NAMES.message]: text(truncateUtf8(reason.message, MAX_MESSAGE_CHARS) || '(no message)'),
    [FAILURE_ATTRIBUTE_NAMES.attempts]: num(reason.attempts),
    [FAILURE_ATTRIBUTE_NAMES.failedAt]: text(now.toISOString()),
  };
  if (reason.httpStatus !== undefined) attributes[FAILURE_ATTRIBUTE_NAMES.httpStatus] = num(reason.httpStatus);
  if (reason.procoreRequestId) attributes[FAILURE_ATTRIBUTE_NAMES.procoreRequestId] = text(reason.procoreRequestId);
  return attributes;
}

/** Reads the failure back from a dead-lettered message's attributes (for dlq inspect and redrive filters). */
export function readFailureAttributes(attributes: Record<string, MessageAttributeValue> | undefined): FailureReason | undefined {
  const get = (name: string) => attributes?.[name]?.StringValue;
  const errorClass = get(FAILURE_ATTRIBUTE_NAMES.errorClass);
  if (!errorClass) return undefined;
  const status = get(FAILURE_ATTRIBUTE_NAMES.httpStatus);
  const requestId = get(FAILURE_ATTRIBUTE_NAMES.procoreRequestId);
  return {
    errorClass,
    message: get(FAILURE_ATTRIBUTE_NAMES.message) ?? '',
    attempts: Number(get(FAILURE_ATTRIBUTE_NAMES.attempts) ?? 0),
    ...(status ? { httpStatus: Number(status) } : {}),
    ...(requestId ? { procoreRequestId: requestId } : {}),
  };
}

/** One message to dead-letter. */
export interface DeadLetter {
  /** The original message body, unchanged. */
  body: string;
  reason: FailureReason;
  /** Original message attributes to carry along (routing keys etc.); failure attributes win on clash. */
  originalAttributes?: Record<string, MessageAttributeValue>;
  /** FIFO DLQs need a group id; the original group keeps order on redrive. */
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

/** The reason as the DLQ carries it, with the receive count of the message that failed. */
function failureReasonOf(failure: Failure, attempts: number): FailureReason {
  return {
    errorClass: failure.errorClass,
    message: failure.reason,
    attempts,
    ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
    ...(failure.procoreRequestId === undefined ? {} : { procoreRequestId: failure.procoreRequestId }),
  };
}

/** The dead letter of a received message: its body and attributes as they came, the failure added. */
export function deadLetterFor(record: SQSRecord, failure: Failure): DeadLetter {
  const groupId = record.attributes.MessageGroupId;
  return {
    body: record.body,
    reason: failureReasonOf(failure, receiveCountOf(record)),
    originalAttributes: sdkAttributesOf(record),
    // The message id dedupes a second copy sent by a retry of this invocation.
    ...(groupId ? { messageGroupId: groupId, messageDeduplicationId: record.messageId } : {}),
  };
}

/** The DLQ message for a failure: the body as it came, the reason as attributes, within SQS's limits. */
export function deadLetterMessage(letter: DeadLetter, now: Date = new Date()): OutgoingMessage {
  const failure = failureAttributes(letter.reason, now);
  // SQS allows 10 attributes per message: the failure ones, then as many of the producer's as fit.
  const room = 10 - Object.keys(failure).length;
  const carried = Object.entries(letter.originalAttributes ?? {})
    .filter(([name]) => !isConnectorAttribute(name))
    .slice(0, Math.max(0, room));
  const routing = {
    ...(letter.messageGroupId ? { groupId: letter.messageGroupId } : {}),
    ...(letter.messageDeduplicationId ? { deduplicationId: letter.messageDeduplicationId } : {}),
  };
  const full = { body: letter.body, attributes: { ...Object.fromEntries(carried), ...failure }, ...routing };
  if (messageBytes(full) <= MAX_MESSAGE_BYTES) return full;
  // Too large. Without producer attributes to lose, the reason shrinks to what fits; otherwise the
  // body is wrapped (gzipped, with them) so a redrive restores both; then the two last resorts.
  const shorterReason = shrinkReason(failure, MAX_MESSAGE_BYTES - Buffer.byteLength(letter.body, 'utf8'));
  const shorter = shorterReason ? { body: letter.body, attributes: shorterReason, ...routing } : undefined;
  if (shorter && carried.length === 0) return shorter;
  const wrapped = {
    body: wrapBody(letter.body, Object.fromEntries(carried)),
    attributes: { ...failure, [FAILURE_ATTRIBUTE_NAMES.bodyWrapped]: text(BODY_WRAPPED.gzip) },
  };
  if (messageBytes(wrapped) <= MAX_MESSAGE_BYTES) return { ...wrapped, ...routing };
  if (shorter) return shorter;
  return { body: wrapBody(letter.body, {}, false), attributes: { ...failure, [FAILURE_ATTRIBUTE_NAMES.bodyWrapped]: text(BODY_WRAPPED.dropped) }, ...routing };
}

/** The failure attributes within `budget` bytes: the message shortened, then only class and message; undefined when even that does not fit. */
function shrinkReason(failure: Record<string, MessageAttributeValue>, budget: number): Record<string, MessageAttributeValue> | undefined {
  const messageName = FAILURE_ATTRIBUTE_NAMES.message;
  const message = failure[messageName]?.StringValue ?? '';
  for (const kept of [failure, pick(failure, [FAILURE_ATTRIBUTE_NAMES.errorClass, messageName])]) {
    const others = messageBytes({ body: '', attributes: { ...kept, [messageName]: text('') } }) - Buffer.byteLength('(empty)');
    const room = budget - others;
    if (room >= 16) return { ...kept, [messageName]: text(truncateUtf8(message, room)) };
  }
  return undefined;
}

function pick<T>(record: Record<string, T>, names: string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => names.includes(name)));
}
