// The run's view from downstream: consume the records and results queues as their consumers would
// (receive and delete while the functions produce, parse against the published contracts), and read the dead-letter queues with
// their failure reasons (cli/dlq's reading, so the run shows what `connector dlq inspect` shows).
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { RecordEnvelopeSchema, type RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import { PushResultSchema, type PushResult } from '../../functions/commons/contracts/push-result';
import { receiveAll, releaseMessages, toDeadLetter, type DeadLetter } from '../../cli/dlq/dead-letters';
import { consumeWhile } from '../queue-consumer';

export interface Consumed<T> {
  valid: T[];
  /** Bodies that broke the contract, with the first problem. */
  invalid: { body: string; problem: string }[];
}

/** Consumes the queue while `work` runs, parsing each body that arrived with `parse`. */
export async function consumeQueueWhile<T>(sqs: SQSClient, queueUrl: string, work: () => Promise<unknown>, parse: (body: string) => T): Promise<Consumed<T>> {
  return parseEach(await consumeWhile(sqs, queueUrl, work), parse);
}

function parseEach<T>(messages: Message[], parse: (body: string) => T): Consumed<T> {
  const consumed: Consumed<T> = { valid: [], invalid: [] };
  for (const m of messages) {
    try {
      consumed.valid.push(parse(m.Body ?? ''));
    } catch (error) {
      consumed.invalid.push({ body: m.Body ?? '', problem: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) });
    }
  }
  return consumed;
}

export const parseRecordEnvelope = (body: string): RecordEnvelope => RecordEnvelopeSchema.parse(JSON.parse(body));
export const parsePushResult = (body: string): PushResult => PushResultSchema.parse(JSON.parse(body));

/**
 * Reads every message of a dead-letter queue without consuming it (they stay for `connector dlq`
 * and redrive): each is made visible again at once.
 */
export async function peekDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  return (await peekMessages(sqs, queueUrl)).map(toDeadLetter);
}

/** Reads a queue as peekDeadLetters does (left in place), parsing each body with `parse`. */
export async function peekQueue<T>(sqs: SQSClient, queueUrl: string, parse: (body: string) => T): Promise<Consumed<T>> {
  return parseEach(await peekMessages(sqs, queueUrl), parse);
}

async function peekMessages(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const messages = await receiveAll(sqs, queueUrl, 1000, { visibilityTimeoutSeconds: 30, waitTimeSeconds: 1 });
  await releaseMessages(sqs, queueUrl, messages);
  return messages;
}
