// Full resync of scopes (for the CLI): a job with `full: true` reads everything up to now,
// ignoring the cursor, and moves the cursor to its windowEnd when done. It takes the scope's lease
// like a planned job, so it never runs beside another job for the scope.
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { acquireLease, releaseLease } from './state/lease';
import type { SyncTable } from './state/cursor';
import { enqueueSyncJobs } from './sync-jobs-queue';
import type { SyncJob } from './sync-job';
import type { SyncScope } from './sync-scope';

export interface FullResyncResult {
  enqueued: SyncJob[];
  /** Scopes with a job already queued or running: try again when it is done. */
  busy: SyncScope[];
}

export async function startFullResync(
  deps: { sqs: SQSClient; table: SyncTable; syncJobsQueueUrl: string; now?: () => number; leaseMinutes?: number },
  scopes: SyncScope[],
): Promise<FullResyncResult> {
  const now = (deps.now ?? Date.now)();
  const windowEnd = new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const result: FullResyncResult = { enqueued: [], busy: [] };
  for (const scope of scopes) {
    const job: SyncJob = { version: 1, jobId: randomUUID(), ...scope, windowEnd, full: true };
    if (await acquireLease(deps.table, scope, job.jobId, { durationMs: (deps.leaseMinutes ?? 60) * 60_000, now })) {
      result.enqueued.push(job);
    } else {
      result.busy.push(scope);
    }
  }
  try {
    await enqueueSyncJobs(deps.sqs, deps.syncJobsQueueUrl, result.enqueued);
  } catch (error) {
    await Promise.allSettled(result.enqueued.map((job) => releaseLease(deps.table, job, job.jobId)));
    throw error;
  }
  return result;
}
