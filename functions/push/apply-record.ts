// Applies one planned record and says how it ended. Procore sees each message once in effect
// (Powertools idempotency on the message id): a batch upsert member through its group's /sync call,
// any other message on its own. A failure is classified and decided (commons/failure): dead-letter
// comes back as an outcome; retry is thrown (a batch item failure), after holding the message back
// until Procore's reset when Procore said when.
import type { SQSRecord } from 'aws-lambda';
import type { PushMessage } from '../commons/contracts/push-message';
import { classify, type Failure } from '../commons/failure/classify';
import { queueDecision } from '../commons/failure/decisions';
import type { LoggerLike } from '../commons/observability/logger';
import { receiveCountOf } from '../commons/queues/sqs-adapter';
import { ProcoreError } from '../commons/procore/errors';
import { checkAddress } from './address';
import { applyPushMessage } from './apply-push-message';
import type { BatchUpsertRunner, IdempotentRun } from './batch-upsert-runner';
import { guardCreates } from './create-once';
import type { CreateJournal } from './state/create-journal';
import type { PlannedRecord } from './plan-batch';
import type { PushMetrics, PushOutcome } from './push-outcome';
import type { ApplyDeps, AppliedTarget, PushWrite } from './push-write';

export interface ApplyRecordContext {
  deps: ApplyDeps;
  runIdempotent: IdempotentRun;
  batchUpserts: BatchUpsertRunner;
  /** Where a create Procore cannot deduplicate is noted before it is sent and the moment it is answered. */
  createJournal: CreateJournal;
  /** Epoch ms by which Procore calls must be done. */
  deadline: number;
  clock: () => number;
  /** Holds a message on its queue until `until` (epoch ms). */
  delay: (record: SQSRecord, until: number) => Promise<void>;
  /** Attempts the connector makes at a message (the push queue's maxReceiveCount is one more), when known. */
  maxAttempts?: number;
  /** Until when Procore's rate limit is spent, as learnt from earlier records of this batch. */
  rateLimit: { until: number };
  logger: LoggerLike;
  metrics?: PushMetrics;
}

export async function applyRecord(planned: PlannedRecord, ctx: ApplyRecordContext): Promise<PushOutcome> {
  const { record } = planned;
  if (!planned.ok) {
    const { failure, id, message } = planned;
    return { status: 'dead_lettered', record, failure, sent: false, ...(id ? { id } : {}), ...(message ? { message } : {}) };
  }
  const { message } = planned.write;
  try {
    const target = await write(planned.write, record.messageId, ctx);
    return { status: 'applied', record, message, target, viaSync: ctx.batchUpserts.has(record.messageId) };
  } catch (error) {
    const failure = classify(error);
    if (failure.errorClass === 'ProcoreRateLimited' && failure.retryAt !== undefined) {
      ctx.rateLimit.until = Math.max(ctx.rateLimit.until, failure.retryAt);
    }
    const decision = queueDecision('push', failure, { attempts: receiveCountOf(record), maxAttempts: ctx.maxAttempts });
    if (decision.action === 'dead-letter') return { status: 'dead_lettered', record, failure, message, id: message.id, sent: false };
    if (decision.action === 'delay') await ctx.delay(record, decision.until);
    logRetry(record, message, failure, ctx);
    throw error;
  }
}

async function write(push: PushWrite, messageId: string, ctx: ApplyRecordContext): Promise<AppliedTarget> {
  if (ctx.rateLimit.until > ctx.clock()) {
    // Procore already said no until then: do not spend requests (they count too) to hear it again.
    throw new ProcoreError({
      message: 'Procore rate limit reached earlier in this batch',
      kind: 'transient',
      errorClass: 'ProcoreRateLimited',
      retryAt: ctx.rateLimit.until,
    });
  }
  if (ctx.batchUpserts.has(messageId)) return ctx.batchUpserts.outcome(messageId);
  return ctx.runIdempotent(push.message, async () => {
    await checkAddress(ctx.deps, push);
    const guarded = guardCreates(ctx.deps.procore, push.message, ctx.deadline, { journal: ctx.createJournal, logger: ctx.logger, clock: ctx.clock });
    try {
      return await applyPushMessage({ ...ctx.deps, procore: guarded.procore }, push, ctx.deadline);
    } catch (error) {
      const made = guarded.created();
      throw made ? new AppliedNotReported(push.message, made.procoreId, error) : error;
    }
  });
}

/**
 * Procore made the record, then something failed (the origin map, say): the retry takes the
 * recorded answer (create-once.ts) and repeats only what failed. Should the retries run out, the
 * dead letter says the record exists and which one.
 */
class AppliedNotReported extends Error {
  override readonly name = 'AppliedNotReported';
  readonly errorClass = 'AppliedNotReported';
  readonly kind: 'permanent' | 'transient';
  constructor(message: PushMessage, procoreId: number, cause: unknown) {
    const failure = classify(cause);
    super(`Procore holds the ${message.resource} record ${procoreId} this message made; what failed after: ${failure.errorClass}: ${failure.reason}`, {
      cause,
    });
    this.kind = failure.kind === 'permanent' ? 'permanent' : 'transient';
  }
}

function logRetry(record: SQSRecord, message: PushMessage, failure: Failure, ctx: ApplyRecordContext): void {
  ctx.metrics?.count('PushRetried');
  ctx.logger.warn('push message will be retried', {
    messageId: record.messageId,
    id: message.id,
    errorClass: failure.errorClass,
    reason: failure.reason,
    retryAt: failure.retryAt === undefined ? undefined : new Date(failure.retryAt).toISOString(),
  });
}
