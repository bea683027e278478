// One SQS batch of push messages: each record is parsed, validated and applied to Procore once in
// effect (Powertools idempotency on the message id), upserts that can share a Procore sync call
// share it, permanent failures go to the DLQ with their reason, transient ones are reported as
// batch item failures (delayed until Procore's reset when known). One bad record never fails the rest.
// DLQ copies (standard queues) and results leave in SendMessageBatch calls after the last record;
// a message whose copy or applied result did not get out becomes a batch item failure after all.
import {
  BatchProcessor,
  EventType,
  SqsFifoPartialProcessorAsync,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parsePushMessage, type PushMessage } from '../commons/contracts/push-message';
import { PUSH_RESULT_VERSION, type PushResult } from '../commons/contracts/push-result';
import { ProcoreError } from '../commons/procore/errors';
import type { LoggerLike } from '../commons/observability/logger';
import { deadLetterMessage, sendToDeadLetterQueue, type DeadLetter } from '../commons/queues/dead-letter';
import { trySendMessageBatches, type OutgoingMessage } from '../commons/queues/sqs-batch-sender';
import { PUSH_IDEMPOTENCY_KEY_PREFIX } from './state/idempotency';
import { applyPushMessage, type AppliedTarget, type ApplyDeps } from './apply-push-message';
import { decideFailure, type FailureDecision } from './push-failure';
import { BatchUpsertRunner, type IdempotentRun } from './batch-upsert-runner';
import { batchUpsertKey, type BatchUpsertMember, type UpsertMessage } from './batch-upsert';

/** SQS caps a message's invisibility at 12 hours. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export interface PushMetrics {
  count(name: 'PushApplied' | 'PushDeadLettered' | 'PushRetried' | 'PushSyncItems', value?: number): void;
}

export interface PushBatchDeps extends ApplyDeps {
  sqs: SQSClient;
  idempotencyStore: BasePersistenceLayer;
  idempotencyConfig: IdempotencyConfig;
  deadLetterQueueUrl: string;
  resultsQueueUrl?: string;
  logger: LoggerLike;
  metrics?: PushMetrics;
  clock?: () => number;
  /** Records applied at once (standard queues; FIFO batches run in order). Default 8. */
  concurrency?: number;
}

/** A message Procore took; its result is still to be reported. */
interface Applied {
  status: 'applied';
  record: SQSRecord;
  message: PushMessage;
  target: AppliedTarget;
  viaSync: boolean;
}

/** A message that failed for good; its DLQ copy (standard queues) and result are still to be sent. */
interface DeadLettering {
  status: 'dead_lettered';
  record: SQSRecord;
  failure: FailureDecision;
  message?: PushMessage;
  id?: string;
}

type Prepared =
  | { ok: true; message: PushMessage }
  | { ok: false; failure: FailureDecision; id?: string };

export type PushBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createPushBatchHandler(deps: PushBatchDeps): PushBatchHandler {
  const clock = deps.clock ?? Date.now;
  const runIdempotent: IdempotentRun = makeIdempotent(
    async (_message: PushMessage, work: () => Promise<AppliedTarget>) => work(),
    {
      persistenceStore: deps.idempotencyStore,
      config: deps.idempotencyConfig,
      keyPrefix: PUSH_IDEMPOTENCY_KEY_PREFIX,
      dataIndexArgument: 0,
    },
  );
  const queueUrls = new Map<string, Promise<string>>();

  /** Queue URL from the record's ARN (the event carries no URL), cached per container. */
  function queueUrlOf(arn: string): Promise<string> {
    let url = queueUrls.get(arn);
    if (!url) {
      const [, , , , account, name] = arn.split(':');
      url = deps.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })).then((r) => r.QueueUrl ?? '');
      url.catch(() => queueUrls.delete(arn));
      queueUrls.set(arn, url);
    }
    return url;
  }

  function resultMessage(result: PushResult, record: SQSRecord): OutgoingMessage {
    return {
      body: JSON.stringify(result),
      attributes: { status: { DataType: 'String', StringValue: result.status } },
      ...(deps.resultsQueueUrl?.endsWith('.fifo')
        ? { groupId: record.attributes.MessageGroupId ?? String(result.companyId ?? 'push'), deduplicationId: `${record.messageId}-${result.status}` }
        : {}),
    };
  }

  function letterOf({ record, failure }: DeadLettering): DeadLetter {
    const groupId = record.attributes.MessageGroupId;
    return {
      body: record.body,
      reason: {
        errorClass: failure.errorClass,
        message: failure.message,
        attempts: Number(record.attributes.ApproximateReceiveCount ?? 1),
        ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
        ...(failure.procoreRequestId === undefined ? {} : { procoreRequestId: failure.procoreRequestId }),
      },
      originalAttributes: Object.fromEntries(
        Object.entries(record.messageAttributes ?? {}).map(([name, v]) => [
          name,
          v.binaryValue !== undefined
            ? { DataType: v.dataType, BinaryValue: Buffer.from(v.binaryValue, 'base64') }
            : { DataType: v.dataType, StringValue: v.stringValue },
        ]),
      ),
      ...(groupId ? { messageGroupId: groupId, messageDeduplicationId: record.messageId } : {}),
    };
  }

  function deadLetteredResult({ record, failure, message, id }: DeadLettering): PushResult {
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
        message: failure.message,
        ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
        ...(failure.procoreRequestId === undefined ? {} : { procoreRequestId: failure.procoreRequestId }),
      },
    };
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

  function logDeadLettered(entry: DeadLettering): void {
    deps.metrics?.count('PushDeadLettered');
    deps.logger.warn('push message dead-lettered', {
      messageId: entry.record.messageId,
      id: entry.id,
      errorClass: entry.failure.errorClass,
      reason: entry.failure.message,
      httpStatus: entry.failure.httpStatus,
      procoreRequestId: entry.failure.procoreRequestId,
    });
  }

  /** FIFO: dead-letters one message before its group goes on; a failed send fails it (and so its group's rest). */
  async function deadLetterNow(entry: DeadLettering): Promise<void> {
    await sendToDeadLetterQueue(deps.sqs, { queueUrl: deps.deadLetterQueueUrl, ...letterOf(entry) });
    logDeadLettered(entry);
  }

  /**
   * Standard queues: sends the DLQ copies of a batch's permanent failures together. A message whose
   * copy did not reach the DLQ is not done: its message id comes back, to be a batch item failure.
   */
  async function deadLetterAll(entries: DeadLettering[]): Promise<{ sent: DeadLettering[]; unsent: string[] }> {
    const failures = await trySendMessageBatches(deps.sqs, deps.deadLetterQueueUrl, entries.map((entry) => deadLetterMessage(letterOf(entry))));
    const unsent = new Set<number>();
    for (const failure of failures) {
      unsent.add(failure.index);
      deps.logger.error('could not dead-letter a push message; it will be retried', {
        messageId: entries[failure.index]!.record.messageId,
        error: `${failure.code}: ${failure.message}`,
      });
    }
    const sent = entries.filter((_, i) => !unsent.has(i));
    sent.forEach(logDeadLettered);
    return { sent, unsent: [...unsent].map((i) => entries[i]!.record.messageId) };
  }

  /**
   * Reports the batch's finished messages on the results queue in SendMessageBatch calls. An
   * applied message whose result was not sent comes back (its message id) to be retried: its
   * idempotency record answers the retry with the saved outcome, so only the result is sent again.
   */
  async function reportAll(applied: Applied[], deadLettered: DeadLettering[]): Promise<string[]> {
    const appliedMetrics = (entry: Applied) => {
      deps.metrics?.count('PushApplied');
      if (entry.viaSync) deps.metrics?.count('PushSyncItems');
    };
    if (!deps.resultsQueueUrl) {
      applied.forEach(appliedMetrics);
      return [];
    }
    const reports: { entry: Applied | DeadLettering; message: OutgoingMessage }[] = [
      ...applied.map((entry) => ({ entry, message: resultMessage(appliedResult(entry), entry.record) })),
      ...deadLettered.map((entry) => ({ entry, message: resultMessage(deadLetteredResult(entry), entry.record) })),
    ];
    const failures = await trySendMessageBatches(deps.sqs, deps.resultsQueueUrl, reports.map((r) => r.message));
    const unsent = new Set(failures.map((f) => f.index));
    const retry: string[] = [];
    for (const failure of failures) {
      const { entry } = reports[failure.index]!;
      const error = `${failure.code}: ${failure.message}`;
      if (entry.status === 'applied') {
        retry.push(entry.record.messageId);
        deps.logger.warn('could not report an applied push message; it will be retried', { messageId: entry.record.messageId, id: entry.message.id, error });
      } else {
        // The DLQ copy is what matters; failing the record now would dead-letter it a second time.
        deps.logger.error('could not report a dead-lettered push message on the results queue', { messageId: entry.record.messageId, error });
      }
    }
    applied.filter((_, i) => !unsent.has(i)).forEach(appliedMetrics);
    return retry;
  }

  async function delayUntil(record: SQSRecord, retryAt: number): Promise<void> {
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil((retryAt - clock()) / 1000)));
    try {
      const queueUrl = await queueUrlOf(record.eventSourceARN);
      await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
    } catch (error) {
      // The queue's own visibility timeout still brings it back; only the delay is lost.
      deps.logger.warn('could not delay a push message', { messageId: record.messageId, error: String(error) });
    }
  }

  return async function handlePushBatch(event, context) {
    deps.idempotencyConfig.registerLambdaContext(context);
    const remaining = context.getRemainingTimeInMillis();
    // Keep time back for the DLQ, results and idempotency writes after the last Procore call.
    const deadline = clock() + remaining - Math.min(5000, Math.max(500, remaining * 0.2));
    const fifo = event.Records.some((r) => Boolean(r.attributes?.MessageGroupId));

    const prepared = new Map<string, Prepared>();
    const groups = new Map<string, BatchUpsertMember[]>();
    for (const record of event.Records) {
      const parsed = parsePushMessage(record.body);
      if (!parsed.ok) {
        prepared.set(record.messageId, { ok: false, failure: { kind: 'permanent', errorClass: parsed.errorClass, message: parsed.message }, ...(parsed.id ? { id: parsed.id } : {}) });
        continue;
      }
      // FIFO batches run strictly in order, one message at a time: no sharing of sync calls.
      const groupKey = fifo ? undefined : batchUpsertKey(parsed.message);
      prepared.set(record.messageId, { ok: true, message: parsed.message });
      if (groupKey) {
        const members = groups.get(groupKey) ?? [];
        members.push({ key: record.messageId, message: parsed.message as UpsertMessage });
        groups.set(groupKey, members);
      }
    }
    const batchUpserts = new BatchUpsertRunner(groups, { ...deps, runIdempotent }, deadline);
    let rateLimitedUntil = 0;
    // FIFO batches are processed one record at a time by their processor anyway.
    const limit = concurrencyLimit(deps.concurrency ?? 8);
    // Finished messages wait here to be dead-lettered and reported in batches after the last record.
    const applied: Applied[] = [];
    const toDeadLetter: DeadLettering[] = [];
    const deadLettered: DeadLettering[] = [];

    async function deadLetter(entry: DeadLettering): Promise<string> {
      if (fifo) {
        await deadLetterNow(entry);
        deadLettered.push(entry);
      } else {
        toDeadLetter.push(entry);
      }
      return 'dead_lettered';
    }

    async function handleRecord(record: SQSRecord): Promise<string> {
      const entry = prepared.get(record.messageId);
      if (!entry) throw new Error(`record ${record.messageId} was not prepared`);
      if (!entry.ok) {
        return deadLetter({ status: 'dead_lettered', record, failure: entry.failure, ...(entry.id ? { id: entry.id } : {}) });
      }
      const { message } = entry;
      let target: AppliedTarget;
      try {
        if (rateLimitedUntil > clock()) {
          // Procore already said no until then: do not spend requests (they count too) to hear it again.
          throw new ProcoreError({ message: 'Procore rate limit reached earlier in this batch', kind: 'transient', errorClass: 'ProcoreRateLimited', retryAt: rateLimitedUntil });
        }
        target = batchUpserts.has(record.messageId)
          ? await batchUpserts.outcome(record.messageId)
          : await runIdempotent(message, () => applyPushMessage(deps, message, deadline));
      } catch (error) {
        const failure = decideFailure(error);
        if (failure.kind === 'permanent') {
          return deadLetter({ status: 'dead_lettered', record, failure, message, id: message.id });
        }
        if (failure.retryAt !== undefined) {
          if (failure.errorClass === 'ProcoreRateLimited') rateLimitedUntil = Math.max(rateLimitedUntil, failure.retryAt);
          await delayUntil(record, failure.retryAt);
        }
        deps.metrics?.count('PushRetried');
        deps.logger.warn('push message will be retried', {
          messageId: record.messageId,
          id: message.id,
          errorClass: failure.errorClass,
          reason: failure.message,
          retryAt: failure.retryAt === undefined ? undefined : new Date(failure.retryAt).toISOString(),
        });
        throw error;
      }
      applied.push({ status: 'applied', record, message, target, viaSync: batchUpserts.has(record.messageId) });
      return 'applied';
    }

    const recordHandler = (record: SQSRecord) => limit(() => handleRecord(record));
    const response = fifo
      ? await processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
          context,
          skipGroupOnError: true,
          throwOnFullBatchFailure: false,
        })
      : await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
          context,
          throwOnFullBatchFailure: false,
        });

    const { sent, unsent } = await deadLetterAll(toDeadLetter);
    deadLettered.push(...sent);
    const unreported = await reportAll(applied, deadLettered);
    return withFailures(event, response, [...unsent, ...unreported]);
  };
}

/**
 * The processor's batch item failures plus messages that failed afterwards (DLQ copy or result not
 * sent), in event order. On FIFO queues a message failed afterwards was already applied (its retry
 * only reports it again) or was dead-lettered before its group went on, so its group's later
 * messages stay done.
 */
function withFailures(event: SQSEvent, response: SQSBatchResponse, more: string[]): SQSBatchResponse {
  if (more.length === 0) return response;
  const failed = new Set([...response.batchItemFailures.map((f) => f.itemIdentifier), ...more]);
  return { batchItemFailures: event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
}

/** At most `n` tasks at once; the rest wait their turn in order. */
function concurrencyLimit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
