// `dlq inspect`: what is in a dead-letter queue and why, without consuming anything.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { queueAttributes } from '../aws/sqs';
import { DEFAULT_RECEIVE, receiveAll, releaseMessages, toDeadLetter, type DeadLetter, type ReceiveOptions } from './dead-letters';

export interface ClassCount {
  errorClass: string;
  count: number;
  /** The reason of the first message of this class, as an example. */
  example: string;
}

export interface DeadLetterReport {
  queueUrl: string;
  /** SQS's own estimate of visible messages before the inspection (it lags a few seconds). */
  approximateVisible: number;
  /** Messages in flight elsewhere (a consumer or another operator holds them): not listed. */
  approximateInFlight: number;
  messages: DeadLetter[];
  byClass: ClassCount[];
  /** More were visible than `max` allowed to list. */
  truncated: boolean;
}

function countByClass(messages: DeadLetter[]): ClassCount[] {
  const counts = new Map<string, ClassCount>();
  for (const m of messages) {
    const entry = counts.get(m.errorClass) ?? { errorClass: m.errorClass, count: 0, example: m.reason };
    entry.count += 1;
    counts.set(m.errorClass, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass));
}

export async function inspectDeadLetterQueue(
  sqs: SQSClient,
  queueUrl: string,
  options: { max?: number; receive?: ReceiveOptions } = {},
): Promise<DeadLetterReport> {
  const max = options.max ?? 1000;
  const before = await queueAttributes(sqs, queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']);
  const held = await receiveAll(sqs, queueUrl, max, { ...DEFAULT_RECEIVE, ...options.receive });
  try {
    const messages = held.map(toDeadLetter);
    return {
      queueUrl,
      approximateVisible: Number(before.ApproximateNumberOfMessages ?? 0),
      approximateInFlight: Number(before.ApproximateNumberOfMessagesNotVisible ?? 0),
      messages,
      byClass: countByClass(messages),
      truncated: held.length >= max && Number(before.ApproximateNumberOfMessages ?? 0) > held.length,
    };
  } finally {
    await releaseMessages(sqs, queueUrl, held);
  }
}
