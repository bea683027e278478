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
import { ProcoreError } from '../commons/procore/errors';
import { checkAddress } from './address';
import { applyPushMessage } from './apply-push-message';
import type { BatchUpsertRunner, IdempotentRun } from './batch-upsert-runner';
import type { PlannedRecord } from './plan-batch';
import type { PushMetrics, PushOutcome } from './push-outcome';
import type { ApplyDeps, AppliedTarget, PushWrite } from './push-write';

export interface ApplyRecordContext {
  deps: ApplyDeps;
  runIdempotent: IdempotentRun;
  batchUpserts: BatchUpsertRunner;
  /** Epoch ms by which Procore calls must be done. */
  deadline: number;
  clock: () => number;
  /** Holds a message on its queue until `until` (epoch ms). */
  delay: (record: SQSRecord, until: number) => Promise<void>;
  /** The push queue's maxReceiveCount, when known. */
  maxReceiveCount?: number;
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
    const decision = queueDecision('push', failure, { attempts: attemptsOf(record), maxReceiveCount: ctx.maxReceiveCount });
    if (decision.action === 'dead-letter') return { status: 'dead_lettered', record, failure, message, id: message.id, sent: false };
    if (decision.action === 'delay') await ctx.delay(record, decision.until);
    logRetry(record, message, failure, ctx);
    throw error;
  }
}

async function write(push: PushWrite, messageId: string, ctx: ApplyRecordContext): Promise<AppliedTarget> {
  if (ctx.rateLimit.until > ctx.clock()) {
    // Procore already said no until then: do not spend requests (they count too) to hear it again.
    throw new ProcoreError({ message: 'Procore rate limit reached earlier in this batch', kind: 'transient', errorClass: 'ProcoreRateLimited', retryAt: ctx.rateLimit.until });
  }
  if (ctx.batchUpserts.has(messageId)) return ctx.batchUpserts.outcome(messageId);
  return ctx.runIdempotent(push.message, async () => {
    await checkAddress(ctx.deps, push);
    return applyPushMessage(ctx.deps, push, ctx.deadline);
  });
}

function attemptsOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount ?? 1);
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
