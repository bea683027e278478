// `sync`: start a pull of one scope now, outside the schedule, by putting a job on the sync-jobs
// queue exactly as the planner does (same job format, same lease). `full` forgets the scope's
// cursor first and asks the worker to read the whole history up to now. A scope backing off after
// failing for good has its back-off cleared, so the schedule takes it again too.
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { toProcoreTime } from '../../functions/commons/contracts/procore-time';
import { getResource } from '../../functions/commons/resources/registry';
import type { ResourceName } from '../../functions/commons/resources/names';
import { readCursor, resetCursor, type SyncTable } from '../../functions/pull/state/cursor';
import { clearBackoff } from '../../functions/pull/state/failure';
import { acquireLease, releaseLease } from '../../functions/pull/state/lease';
import type { SyncJob } from '../../functions/pull/sync-job';
import { DEFAULT_INITIAL_LOOKBACK_DAYS, DEFAULT_OVERLAP_SECONDS } from '../../functions/pull/sync-window';
import { enqueueSyncJobs } from '../../functions/pull/sync-jobs-queue';
import { describeScope, type SyncScope } from '../../functions/pull/sync-scope';

export interface StartSyncRequest {
  companyId: number;
  /** Required for project-scoped resources, absent for company-scoped ones. */
  projectId?: number;
  resource: ResourceName;
  /** Reset the cursor and read everything up to now. */
  full?: boolean;
  /** Enqueue even when another job of the scope holds its lease (two jobs may then run at once). */
  force?: boolean;
  /** Same meaning as in the stage's sync config; defaults as the planner's. */
  leaseMinutes?: number;
  initialLookbackDays?: number;
  overlapMinutes?: number;
}

export interface StartSyncDeps {
  sqs: SQSClient;
  table: SyncTable;
  jobsQueueUrl: string;
  now?: () => number;
}

export interface StartSyncResult {
  job: SyncJob;
  scope: string;
  /** The cursor before --full reset it (undefined: the scope had never completed a pull). */
  previousCursor?: string;
  cursorReset: boolean;
  /** False when --force enqueued without the lease. */
  leased: boolean;
  /** The scope was backing off after failing for good: the planner may enqueue it again at once. */
  backoffCleared: boolean;
}

/** The scope already has a job queued or running (its lease is held). */
export class ScopeBusyError extends Error {
  override readonly name = 'ScopeBusyError';
}

export function syncScopeOf(request: Pick<StartSyncRequest, 'companyId' | 'projectId' | 'resource'>): SyncScope {
  const resource = getResource(request.resource);
  if (!resource.paths.list) throw new Error(`${request.resource} is push-only (Procore declares no list for it): it cannot be pulled`);
  if (resource.scope === 'project' && request.projectId === undefined) {
    throw new Error(`${request.resource} is project-scoped: name the project (--project ID)`);
  }
  if (resource.scope === 'company' && request.projectId !== undefined) {
    throw new Error(`${request.resource} is company-scoped: it has no project (drop --project)`);
  }
  return { companyId: request.companyId, projectId: request.projectId ?? null, resource: request.resource };
}

export async function startSync(request: StartSyncRequest, deps: StartSyncDeps): Promise<StartSyncResult> {
  const now = deps.now ?? Date.now;
  const scope = syncScopeOf(request);
  const job: SyncJob = {
    version: 1,
    jobId: `cli-${randomUUID()}`,
    companyId: scope.companyId,
    projectId: scope.projectId,
    resource: scope.resource,
    // Whole seconds, as the planner's: the cursor becomes this and Procore's filter has no fractions.
    windowEnd: toProcoreTime(now()),
    initialLookbackDays: request.initialLookbackDays ?? DEFAULT_INITIAL_LOOKBACK_DAYS,
    overlapSeconds: request.overlapMinutes !== undefined ? request.overlapMinutes * 60 : DEFAULT_OVERLAP_SECONDS,
    ...(request.full ? { full: true } : {}),
  };
  // The lease keeps the planner from enqueuing the same scope while this job runs; the worker
  // releases it when the job ends, as for the planner's jobs.
  const leased = await acquireLease(deps.table, scope, job.jobId, { durationMs: (request.leaseMinutes ?? 60) * 60_000, now: now() });
  if (!leased && !request.force) {
    throw new ScopeBusyError(
      `a job for ${describeScope(scope)} is already queued or running (its lease is held); wait for it to finish, or pass --force to enqueue another anyway`,
    );
  }
  let previousCursor: string | undefined;
  try {
    if (request.full) {
      previousCursor = (await readCursor(deps.table, scope))?.cursor;
      await resetCursor(deps.table, scope);
    }
    await enqueueSyncJobs(deps.sqs, deps.jobsQueueUrl, [job]);
  } catch (error) {
    if (leased) await releaseLease(deps.table, scope, job.jobId);
    throw error;
  }
  // An operator asking for the scope is the sign it may work again: the schedule picks it up too.
  const backoffCleared = await clearBackoff(deps.table, scope);
  return {
    job,
    scope: describeScope(scope),
    ...(previousCursor !== undefined ? { previousCursor } : {}),
    cursorReset: Boolean(request.full),
    leased,
    backoffCleared,
  };
}
