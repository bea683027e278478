// One sync-jobs queue message, as the worker's batch processor sees it: parse, run, and sort any
// failure. Permanent for the scope (invalid job, project no longer permitted, 404): record the
// reason, dead-letter the job at once, release the lease, and let the batch carry on. Transient:
// rethrow, so the message comes back (after the rate-limit reset, when Procore said when).
import { ChangeMessageVisibilityCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sendToDeadLetterQueue, type FailureReason } from '../commons/queues/dead-letter';
import { ProcoreError } from '../commons/procore/errors';
import { recordSyncFailure } from './state/failure';
import { releaseLease } from './state/lease';
import { InvalidSyncJobError, isPermanentForScope, runSyncJob, type RunSyncJobDeps, type SyncJobResult } from './run-sync-job';
import { scopeOfJob, SyncJobSchema, type SyncJob } from './sync-job';
import { describeScope } from './sync-scope';

export type SyncJobMessageResult = SyncJobResult | { outcome: 'dead-lettered'; reason: FailureReason };

export interface HandleSyncJobDeps extends RunSyncJobDeps {
  queues: RunSyncJobDeps['queues'] & { syncJobsDeadLetter: string };
}

/** SQS caps a message's visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export function parseSyncJob(body: string): SyncJob {
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
  const now = deps.now ?? Date.now;
  const attempts = Number(record.attributes.ApproximateReceiveCount ?? '1');
  let job: SyncJob | undefined;
  try {
    job = parseSyncJob(record.body);
    return await runSyncJob(job, deps);
  } catch (error) {
    if (!isPermanentForScope(error)) {
      await deferRedelivery(record, error, deps, now());
      throw error;
    }
    const reason = failureReason(error, attempts);
    deps.logger.error('Sync job failed for good; dead-lettering it', {
      ...(job ? { jobId: job.jobId, scope: describeScope(scopeOfJob(job)) } : {}),
      ...reason,
    });
    await sendToDeadLetterQueue(deps.sqs, {
      queueUrl: deps.queues.syncJobsDeadLetter,
      body: record.body,
      reason,
      originalAttributes: sdkAttributes(record),
    });
    if (job) {
      const scope = scopeOfJob(job);
      await recordSyncFailure(deps.table, scope, { ...reason, jobId: job.jobId, failedAt: new Date(now()).toISOString() });
      await releaseLease(deps.table, scope, job.jobId);
    }
    return { outcome: 'dead-lettered', reason };
  }
}

function failureReason(error: unknown, attempts: number): FailureReason {
  if (error instanceof ProcoreError) {
    return {
      errorClass: error.errorClass,
      message: error.message,
      attempts,
      ...(error.status === undefined ? {} : { httpStatus: error.status }),
      ...(error.requestId === undefined ? {} : { procoreRequestId: error.requestId }),
    };
  }
  const named = error instanceof Error ? error : new Error(String(error));
  return { errorClass: named.name === 'Error' ? 'SyncJobError' : named.name, message: named.message, attempts };
}

/** When Procore said when to come back (rate limit reset, Retry-After), keep the job hidden until then. */
async function deferRedelivery(record: SQSRecord, error: unknown, deps: HandleSyncJobDeps, now: number): Promise<void> {
  if (!(error instanceof ProcoreError) || error.retryAt === undefined || error.retryAt <= now) return;
  const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.ceil((error.retryAt - now) / 1000));
  try {
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: deps.queues.syncJobs, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }),
    );
  } catch (visibilityError) {
    // The queue's own visibility timeout still brings it back; only the timing is less precise.
    deps.logger.warn('Could not delay the sync job until the rate limit resets', { error: String(visibilityError) });
  }
}

/** Lambda's event shape back to the SDK's, to carry routing attributes into the DLQ. */
function sdkAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
  }
  return attributes;
}
