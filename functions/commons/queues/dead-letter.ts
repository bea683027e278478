// Dead letters written by the connector itself (permanent failures at once, retried ones on their
// last receive, so none reaches the DLQ without its reason). The body is kept byte for byte so a redrive replays exactly what was sent;
// the reason travels as message attributes, which SQS keeps when a message is moved back.
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Failure } from '../failure/classify';
import { sdkAttributesOf } from './sqs-adapter';
import type { OutgoingMessage } from './sqs-batch-sender';

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
} as const;

const MAX_MESSAGE_CHARS = 1000;

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function num(value: number): MessageAttributeValue {
  return { DataType: 'Number', StringValue: String(value) };
}

export function failureAttributes(reason: FailureReason, now: Date = new Date()): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    [FAILURE_ATTRIBUTE_NAMES.errorClass]: text(reason.errorClass),
    [FAILURE_ATTRIBUTE_NAMES.message]: text(reason.message.slice(0, MAX_MESSAGE_CHARS) || '(no message)'),
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
    reason: failureReasonOf(failure, Number(record.attributes.ApproximateReceiveCount ?? 1)),
    originalAttributes: sdkAttributesOf(record),
    // The message id dedupes a second copy sent by a retry of this invocation.
    ...(groupId ? { messageGroupId: groupId, messageDeduplicationId: record.messageId } : {}),
  };
}

/** The DLQ message for a failure: the body as it came, the reason as attributes. */
export function deadLetterMessage(letter: DeadLetter): OutgoingMessage {
  // SQS allows 10 attributes per message: keep the failure ones and as many original ones as fit.
  const failure = failureAttributes(letter.reason);
  const room = 10 - Object.keys(failure).length;
  const carried = Object.entries(letter.originalAttributes ?? {})
    .filter(([name]) => !(name in failure))
    .slice(0, Math.max(0, room));
  return {
    body: letter.body,
    attributes: { ...Object.fromEntries(carried), ...failure },
    ...(letter.messageGroupId ? { groupId: letter.messageGroupId } : {}),
    ...(letter.messageDeduplicationId ? { deduplicationId: letter.messageDeduplicationId } : {}),
  };
}
