// One sync-jobs queue message, as the worker's batch processor sees it: parse, run, and decide any
// failure (commons/failure). Dead-letter (permanent for the scope: invalid job, project no longer
// permitted, 404; a retried failure on its last attempt; or a job received after its last attempt died): record the reason beside the scope's
// cursor, dead-letter the job, release the lease, and let the batch carry on. Retry: rethrow, so
// the message comes back (held until the rate-limit reset when Procore said when).
import type { SQSRecord } from 'aws-lambda';
import { classify, type Failure } from '../commons/failure/classify';
import { previousAttemptDied, queueDecision } from '../commons/failure/decisions';
import { deadLetterFor, deadLetterMessage, type FailureReason } from '../commons/queues/dead-letter';
import { receiveCountOf, type QueueEdge } from '../commons/queues/sqs-adapter';
import { recordSyncFailure } from './state/failure';
import { releaseLease } from './state/lease';
import { InvalidSyncJobError, runSyncJob, type RunSyncJobDeps, type SyncJobResult } from './run-sync-job';
import { scopeOfJob, SyncJobSchema, type SyncJob } from './sync-job';
import { describeScope } from './sync-scope';

export type SyncJobMessageResult = SyncJobResult | { outcome: 'dead-lettered'; reason: FailureReason };

export interface HandleSyncJobDeps extends RunSyncJobDeps {
  queues: RunSyncJobDeps['queues'] & { syncJobsDeadLetter: string };
  /** Holds a job on the sync-jobs queue and sends dead letters (the handler wires the SQS adapter). */
  queueEdge: Pick<QueueEdge, 'delay' | 'send'>;
  /** Attempts the worker makes at a job (stage config maxReceiveCount; the sync-jobs queue's redrive
   * allows one receive more): a retried failure on the last is dead-lettered with its reason. */
  maxAttempts?: number;
}

function parseSyncJob(body: string): SyncJob {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidSyncJobError('the sync job message is not JSON');
  }
  const result = SyncJobSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(job)'}: ${issue.message}`);
    throw new InvalidSyncJobError(`invalid sync job: ${problems.join('; ')}`);
  }
  return result.data;
}

export async function handleSyncJobMessage(record: SQSRecord, deps: HandleSyncJobDeps): Promise<SyncJobMessageResult> {
  let job: SyncJob | undefined;
  const receive = { attempts: receiveCountOf(record), maxAttempts: deps.maxAttempts };
  try {
    job = parseSyncJob(record.body);
    // The last attempt died (crash, timeout, out of memory): dead-letter with that reason, no Procore call.
    const died = previousAttemptDied(receive);
    if (died) return await deadLetterJob(record, job, died, deps);
    return await runSyncJob(job, deps);
  } catch (error) {
    const failure = classify(error);
    const decision = queueDecision('worker', failure, receive);
    if (decision.action === 'dead-letter') return deadLetterJob(record, job, failure, deps);
    if (decision.action === 'delay') await deps.queueEdge.delay(record, decision.until);
    throw error;
  }
}

async function deadLetterJob(record: SQSRecord, job: SyncJob | undefined, failure: Failure, deps: HandleSyncJobDeps): Promise<SyncJobMessageResult> {
  const now = deps.now ?? Date.now;
  const letter = deadLetterFor(record, failure);
  deps.logger.error('Sync job failed for good; dead-lettering it', {
    ...(job ? { jobId: job.jobId, scope: describeScope(scopeOfJob(job)) } : {}),
    kind: failure.kind,
    ...letter.reason,
  });
  await deps.queueEdge.send(deps.queues.syncJobsDeadLetter, deadLetterMessage(letter));
  if (job) {
    const scope = scopeOfJob(job);
    await recordSyncFailure(deps.table, scope, { ...letter.reason, jobId: job.jobId, failedAt: new Date(now()).toISOString() });
    await releaseLease(deps.table, scope, job.jobId);
  }
  return { outcome: 'dead-lettered', reason: letter.reason };
}
