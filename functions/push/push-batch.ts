// One SQS batch of push messages, in three steps with plain data between them: plan (parse every
// record, find the bad ones and the upserts that share a /sync call), apply (each record once in
// effect: in parallel under Powertools' batch processor on standard queues, each message group in
// order on FIFO, see fifo-groups.ts), report (DLQ copies, results, metrics). One bad record never
// fails the rest.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PushMessage } from '../commons/contracts/push-message';
import { isLastAttempt } from '../commons/failure/decisions';
import { receiveCountOf, type QueueEdge } from '../commons/queues/sqs-adapter';
import { applyRecord, type ApplyRecordContext } from './apply-record';
import { BatchUpsertRunner, type IdempotentRun } from './batch-upsert-runner';
import { processFifoBatch, type FifoOptions } from './fifo-groups';
import { planBatch, roundUpsertGroups, type BatchPlan } from './plan-batch';
import type { PushOutcome } from './push-outcome';
import type { AppliedTarget, ApplyDeps } from './push-write';
import { deadLetterNow, reportOutcomes, type ReportDeps } from './report-outcomes';
import type { CreateJournal } from './state/create-journal';
import { PUSH_IDEMPOTENCY_KEY_PREFIX } from './state/idempotency';

export interface PushBatchDeps extends ApplyDeps, ReportDeps {
  queueEdge: QueueEdge;
  idempotencyStore: BasePersistenceLayer;
  idempotencyConfig: IdempotencyConfig;
  /** Creates Procore cannot deduplicate: noted before they are sent, and the moment Procore answers. */
  createJournal: CreateJournal;
  /** Attempts the connector makes at a message (stage config maxReceiveCount; the push queue's redrive
   * allows one receive more): a retried failure on the last is dead-lettered with its reason. */
  maxAttempts?: number;
  clock?: () => number;
  /** Records applied at once (standard queues), or message groups side by side (FIFO: each in order). Default 8. */
  concurrency?: number;
}

export type PushBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createPushBatchHandler(deps: PushBatchDeps): PushBatchHandler {
  const clock = deps.clock ?? Date.now;
  const runIdempotent: IdempotentRun = makeIdempotent(async (_message: PushMessage, work: () => Promise<AppliedTarget>) => work(), {
    persistenceStore: deps.idempotencyStore,
    config: deps.idempotencyConfig,
    keyPrefix: PUSH_IDEMPOTENCY_KEY_PREFIX,
    dataIndexArgument: 0,
  });

  return async function handlePushBatch(event, context) {
    deps.idempotencyConfig.registerLambdaContext(context);
    const remaining = context.getRemainingTimeInMillis();
    // Keep time back for the DLQ, results and idempotency writes after the last Procore call.
    const deadline = clock() + remaining - Math.min(5000, Math.max(500, remaining * 0.2));
    const plan = planBatch(event.Records, deps.maxAttempts);
    const ctx: ApplyRecordContext = {
      deps,
      runIdempotent,
      batchUpserts: new BatchUpsertRunner(plan.upsertGroups, { ...deps, runIdempotent }, deadline),
      createJournal: deps.createJournal,
      deadline,
      clock,
      delay: (record, until) => deps.queueEdge.delay(record, until),
      maxAttempts: deps.maxAttempts,
      rateLimit: { until: 0 },
      logger: deps.logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    };
    const limit = concurrencyLimit(deps.concurrency ?? 8);
    const lastReceive = (record: SQSRecord) => isLastAttempt({ attempts: receiveCountOf(record), maxAttempts: deps.maxAttempts });
    // FIFO: each round's upserts of different message groups share /sync calls (plan-batch.ts).
    const beforeRound = (records: SQSRecord[], round: number) => ctx.batchUpserts.add(roundUpsertGroups(plan, records, round));
    const { outcomes, response } = await processRecords(event, plan, { limit, lastReceive, beforeRound }, async (record) => {
      const outcome = await applyRecord(plan.records.get(record.messageId)!, ctx);
      return plan.fifo && outcome.status === 'dead_lettered' ? deadLetterNow(outcome, deps) : outcome;
    });
    return withFailures(event, response, await reportOutcomes(outcomes, deps));
  };
}

/** Runs the record handler under Powertools' processor; returns what each finished record ended as, in event order. */
async function processRecords(
  event: SQSEvent,
  plan: BatchPlan,
  options: FifoOptions,
  handleRecord: (record: SQSRecord) => Promise<PushOutcome>,
): Promise<{ outcomes: PushOutcome[]; response: SQSBatchResponse }> {
  const ended = new Map<string, PushOutcome>();
  const recordHandler = async (record: SQSRecord) => {
    ended.set(record.messageId, await handleRecord(record));
  };
  // FIFO: each group in order; after a failure, the rest of its group waits (fifo-groups.ts).
  const response = plan.fifo
    ? await processFifoBatch(event.Records, recordHandler, options)
    : await processPartialResponse(event, (record: SQSRecord) => options.limit(() => recordHandler(record)), new BatchProcessor(EventType.SQS), {
        throwOnFullBatchFailure: false,
      });
  const outcomes = event.Records.flatMap((record) => ended.get(record.messageId) ?? []);
  return { outcomes, response };
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
