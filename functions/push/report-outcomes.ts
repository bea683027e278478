// After the last record of a batch: the DLQ copies of its dead-lettered messages (standard queues;
// FIFO sends each before its group goes on, see deadLetterNow) and the results, in SendMessageBatch
// calls, plus the metrics. Returns the message ids that must still fail: a message whose DLQ copy
// or applied result SQS did not take is not done.
import type { PushResult } from '../commons/contracts/push-result';
import { PUSH_RESULT_VERSION } from '../commons/contracts/push-result-version';
import type { LoggerLike } from '../commons/observability/logger';
import { deadLetterFor, deadLetterMessage } from '../commons/queues/dead-letter';
import type { QueueEdge } from '../commons/queues/sqs-adapter';
import type { OutgoingMessage } from '../commons/queues/sqs-batch-sender';
import type { Applied, DeadLettered, PushMetrics, PushOutcome } from './push-outcome';

export interface ReportDeps {
  queueEdge: Pick<QueueEdge, 'send' | 'sendBatch'>;
  deadLetterQueueUrl: string;
  resultsQueueUrl?: string;
  logger: LoggerLike;
  metrics?: PushMetrics;
}

/** FIFO: dead-letters one message before its group goes on; a failed send fails it (and so its group's rest). */
export async function deadLetterNow(entry: DeadLettered, deps: ReportDeps): Promise<DeadLettered> {
  await deps.queueEdge.send(deps.deadLetterQueueUrl, deadLetterMessage(deadLetterFor(entry.record, entry.failure)));
  logDeadLettered(entry, deps);
  return { ...entry, sent: true };
}

export async function reportOutcomes(outcomes: PushOutcome[], deps: ReportDeps): Promise<string[]> {
  const applied = outcomes.filter((o): o is Applied => o.status === 'applied');
  const deadLettered = outcomes.filter((o): o is DeadLettered => o.status === 'dead_lettered');
  const { sent, unsent } = await deadLetterAll(
    deadLettered.filter((d) => !d.sent),
    deps,
  );
  const unreported = await reportResults(applied, [...deadLettered.filter((d) => d.sent), ...sent], deps);
  return [...unsent, ...unreported];
}

/** Sends the DLQ copies together; a message whose copy did not get out is not done (its id comes back). */
async function deadLetterAll(entries: DeadLettered[], deps: ReportDeps): Promise<{ sent: DeadLettered[]; unsent: string[] }> {
  const messages = entries.map((entry) => deadLetterMessage(deadLetterFor(entry.record, entry.failure)));
  const failures = messages.length === 0 ? [] : await deps.queueEdge.sendBatch(deps.deadLetterQueueUrl, messages);
  const unsent = new Set(failures.map((f) => f.index));
  for (const failure of failures) {
    deps.logger.error('could not dead-letter a push message; it will be retried', {
      messageId: entries[failure.index]!.record.messageId,
      error: `${failure.code}: ${failure.message}`,
    });
  }
  const sent = entries.filter((_, i) => !unsent.has(i)).map((entry) => ({ ...entry, sent: true }));
  for (const entry of sent) logDeadLettered(entry, deps);
  return { sent, unsent: [...unsent].map((i) => entries[i]!.record.messageId) };
}

/**
 * Reports finished messages on the results queue. An applied message whose result was not sent
 * comes back (its id is returned): its idempotency record answers the retry with the saved outcome,
 * so only the result is sent again.
 */
async function reportResults(applied: Applied[], deadLettered: DeadLettered[], deps: ReportDeps): Promise<string[]> {
  if (!deps.resultsQueueUrl) {
    for (const entry of applied) countApplied(entry, deps);
    return [];
  }
  const reports = [...applied, ...deadLettered];
  const failures = await deps.queueEdge.sendBatch(deps.resultsQueueUrl, reports.map(resultMessage));
  const unsent = new Set(failures.map((f) => f.index));
  const retry: string[] = [];
  for (const failure of failures) {
    const entry = reports[failure.index]!;
    const error = `${failure.code}: ${failure.message}`;
    if (entry.status === 'applied') {
      retry.push(entry.record.messageId);
      deps.logger.warn('could not report an applied push message; it will be retried', { messageId: entry.record.messageId, id: entry.message.id, error });
    } else {
      // The DLQ copy is what matters; failing the record now would dead-letter it a second time.
      deps.logger.error('could not report a dead-lettered push message on the results queue', { messageId: entry.record.messageId, error });
    }
  }
  for (const entry of applied.filter((_, i) => !unsent.has(i))) countApplied(entry, deps);
  return retry;
}

function countApplied(entry: Applied, deps: ReportDeps): void {
  deps.metrics?.count('PushApplied');
  if (entry.viaSync) deps.metrics?.count('PushSyncItems');
}

function logDeadLettered(entry: DeadLettered, deps: ReportDeps): void {
  deps.metrics?.count('PushDeadLettered');
  deps.logger.warn('push message dead-lettered', {
    messageId: entry.record.messageId,
    id: entry.id,
    errorClass: entry.failure.errorClass,
    reason: entry.failure.reason,
    httpStatus: entry.failure.httpStatus,
    procoreRequestId: entry.failure.procoreRequestId,
  });
}

/** The results queue is always a standard queue: each result stands alone and carries the message id. */
function resultMessage(entry: PushOutcome): OutgoingMessage {
  const result = entry.status === 'applied' ? appliedResult(entry) : deadLetteredResult(entry);
  return { body: JSON.stringify(result), attributes: { status: { DataType: 'String', StringValue: result.status } } };
}

function appliedResult({ message, target }: Applied): PushResult {
  return {
    version: PUSH_RESULT_VERSION,
    id: message.id,
    status: 'applied',
    resource: message.resource,
    operation: message.operation,
    companyId: message.companyId,
    projectId: target.projectId,
    procoreId: target.procoreId,
    originId: target.originId,
  };
}

function deadLetteredResult({ record, failure, message, id }: DeadLettered): PushResult {
  return {
    version: PUSH_RESULT_VERSION,
    id: id ?? null,
    messageId: record.messageId,
    status: 'dead_lettered',
    resource: message?.resource ?? null,
    operation: message?.operation ?? null,
    companyId: message?.companyId ?? null,
    projectId: message?.projectId ?? null,
    originId: message?.originId ?? null,
    reason: {
      errorClass: failure.errorClass,
      message: failure.reason,
      httpStatus: failure.httpStatus,
      procoreRequestId: failure.procoreRequestId,
    },
  };
}
