// The pull worker's core: one sync job = one scope, one updated_at window. Pages Procore from the
// job's start page (or where the same job's checkpoint says it got to), delivers each page's records
// to the records queue and checkpoints before reading the next, hands the rest over to a
// continuation job when the Lambda runs short of time, and moves the scope's cursor only when the
// whole window has been delivered.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcoreClient, ProcorePage } from '../commons/procore/client';
import type { ProcoreEnvironment } from '../commons/procore/environments';
import { ProcoreError } from '../commons/procore/errors';
import type { LoggerLike } from '../commons/observability/logger';
import { clearCheckpoint, readCheckpoint, saveCheckpoint, type SyncCheckpoint } from './state/checkpoint';
import { advanceCursor, readCursor, type SyncTable } from './state/cursor';
import { clearSyncFailure } from './state/failure';
import { releaseLease, renewLease } from './state/lease';
import type { ResourceListSpecs } from './list-spec';
import { envelopeFor, envelopeMessage } from './record-envelopes';
import { pullRemovals } from './removals/pull-removals';
import { removalListQuery } from './removals/removal-sources';
import { sendMessageBatches } from '../commons/queues/sqs-batch-sender';
import { enqueueSyncJobs } from './sync-jobs-queue';
import { scopeOfJob, type SyncJob } from './sync-job';
import { describeScope } from './sync-scope';
import { syncWindow, updatedAtFilter } from './sync-window';

export interface RunSyncJobDeps {
  procore: Pick<ProcoreClient, 'pages' | 'request'>;
  sqs: SQSClient;
  table: SyncTable;
  queues: { syncJobs: string; records: string };
  environment: ProcoreEnvironment['name'];
  resources: ResourceListSpecs;
  logger: LoggerLike;
  /** Lambda's context.getRemainingTimeInMillis. */
  remainingMs: () => number;
  now?: () => number;
  /** Below this much remaining time no new page is started: the rest goes to a continuation. */
  handOverMarginMs?: number;
  /** Time kept back after the last Procore call for the hand-over itself. */
  finishReserveMs?: number;
  /** SendMessageBatch calls in flight while delivering a page. */
  deliveryConcurrency?: number;
}

export interface SyncJobResult {
  outcome: 'completed' | 'continued';
  records: number;
  truncated: number;
  pages: number;
  /** Set when continued: the page the continuation starts at. */
  nextPage?: number;
}

export const DEFAULT_HAND_OVER_MARGIN_MS = 60_000;
const DEFAULT_FINISH_RESERVE_MS = 10_000;

/** Thrown for jobs that can never succeed as written (e.g. a project-scoped resource without a project). */
export class InvalidSyncJobError extends Error {
  override readonly name = 'InvalidSyncJobError';
}

export async function runSyncJob(job: SyncJob, deps: RunSyncJobDeps): Promise<SyncJobResult> {
  const now = deps.now ?? Date.now;
  const scope = scopeOfJob(job);
  const spec = deps.resources(job.resource);
  if ((spec.scope === 'project') !== (job.projectId !== null)) {
    throw new InvalidSyncJobError(
      `${job.resource} is ${spec.scope}-scoped, but the job ${job.projectId === null ? 'has no projectId' : 'names a project'}`,
    );
  }
  // The same job seen again (its worker died after delivering some pages) resumes after the last
  // page it delivered; a checkpoint of another job or window is stale and ignored.
  const [saved, stored] = await Promise.all([readCheckpoint(deps.table, scope), job.windowStart || job.full ? undefined : readCursor(deps.table, scope)]);
  const resume = saved && saved.jobId === job.jobId && saved.windowEnd === job.windowEnd && saved.nextPage > (job.startPage ?? 1) ? saved : undefined;
  const cursor = resume ? undefined : stored?.cursor;
  const window = syncWindow(resume ? { ...job, windowStart: resume.windowStart } : job, cursor);
  const base = spec.listRequest(scope);
  const lambdaDeadline = now() + deps.remainingMs();
  const margin = deps.handOverMarginMs ?? DEFAULT_HAND_OVER_MARGIN_MS;
  const log = { jobId: job.jobId, scope: describeScope(scope), window };
  let nextPage = resume?.nextPage ?? job.startPage ?? 1;
  let previousTotal: number | undefined = resume ? resume.seenTotal : job.seenTotal;
  deps.logger.info('Sync job started', { ...log, startPage: nextPage, ...(resume ? { resumedFrom: resume.savedAt } : {}) });

  const totals = { records: 0, truncated: 0, pages: 0 };
  const recordsBefore = saved?.jobId === job.jobId ? saved.recordsSoFar : 0;
  const checkpoint = (page: number, seenTotal: number | undefined): SyncCheckpoint => ({
    jobId: job.jobId,
    windowStart: window.start,
    windowEnd: job.windowEnd,
    nextPage: page,
    recordsSoFar: recordsBefore + totals.records,
    savedAt: new Date(now()).toISOString(),
    ...(seenTotal === undefined ? {} : { seenTotal }),
  });
  // An outer loop because a shrinking result set (records updated past windowEnd while we page)
  // shifts later records onto pages already read: then paging restarts a little earlier,
  // repeating at most a page.
  restart: for (;;) {
    const pages = deps.procore.pages<unknown>({
      ...base,
      query: {
        ...base.query,
        ...(spec.incremental ? { 'filters[updated_at]': updatedAtFilter(window) } : {}),
        ...(spec.includeDeleted ? { 'filters[include_deleted]': 'with' } : {}),
        ...removalListQuery(job.resource),
      },
      perPage: spec.maxPerPage,
      startPage: nextPage,
      deadline: lambdaDeadline - (deps.finishReserveMs ?? DEFAULT_FINISH_RESERVE_MS),
    });
    for await (const page of pages) {
      const shrunkBy = previousTotal !== undefined && page.total !== undefined ? previousTotal - page.total : 0;
      previousTotal = page.total;
      // A shrunk Total means this page is already shifted and the records that slid back sit on the
      // pages before it: skip it and read again from there (it comes again after them).
      const shifted = shrunkBy > 0 && page.page > 1;
      if (shifted) {
        nextPage = Math.max(1, page.page - Math.ceil(shrunkBy / page.perPage));
        deps.logger.warn('The window shrank while paging; re-reading from an earlier page', { ...log, shrunkBy, nextPage });
      } else {
        await deliverPage(page, job, deps, now, totals);
        nextPage = page.page + 1;
        if (!page.hasNext) break restart;
      }
      const position = checkpoint(nextPage, page.total);
      await saveCheckpoint(deps.table, scope, position);
      if (deps.remainingMs() < margin) {
        const seenTotal = page.total === undefined ? {} : { seenTotal: page.total };
        await handOver({ ...job, windowStart: window.start, startPage: nextPage, ...seenTotal }, position.recordsSoFar, deps, now);
        return { outcome: 'continued', ...totals, nextPage };
      }
      if (shifted) continue restart;
    }
    break;
  }

  // The window's removed records (recycle bins, inactive lists), before the cursor moves past them.
  const removals = await pullRemovals(job, window, { ...deps, deadline: lambdaDeadline - (deps.finishReserveMs ?? DEFAULT_FINISH_RESERVE_MS), now });
  totals.records += removals.records;
  totals.truncated += removals.truncated;
  const advanced = await advanceCursor(deps.table, scope, window.end, {
    jobId: job.jobId,
    records: totals.records,
    truncated: totals.truncated,
    pages: totals.pages,
    finishedAt: new Date(now()).toISOString(),
    ...(removals.unavailable ? { removalsUnavailable: removals.unavailable } : {}),
  });
  await Promise.all([clearCheckpoint(deps.table, scope), clearSyncFailure(deps.table, scope)]);
  await releaseLease(deps.table, scope, job.jobId);
  deps.logger.info('Sync job completed', { ...log, ...totals, cursorAdvanced: advanced });
  return { outcome: 'completed', ...totals };
}

async function deliverPage(
  page: ProcorePage<unknown>,
  job: SyncJob,
  deps: RunSyncJobDeps,
  now: () => number,
  totals: { records: number; truncated: number; pages: number },
): Promise<void> {
  const syncedAt = new Date(now()).toISOString();
  const scope = scopeOfJob(job);
  const messages = page.items.map((record) => {
    const { message, truncated } = envelopeMessage(envelopeFor(record, { environment: deps.environment, scope, syncedAt }));
    if (truncated) {
      totals.truncated += 1;
      deps.logger.warn('Record too large for one queue message; delivered as a truncated envelope', {
        jobId: job.jobId,
        resource: job.resource,
        id: (record as { id?: unknown }).id,
      });
    }
    return message;
  });
  await sendMessageBatches(deps.sqs, deps.queues.records, messages, { concurrency: deps.deliveryConcurrency ?? 4 });
  totals.records += messages.length;
  totals.pages += 1;
}

/** Keeps the scope's lease and enqueues the continuation (same window, next page; its position is already checkpointed). */
async function handOver(
  continuation: SyncJob & { windowStart: string; startPage: number },
  recordsSoFar: number,
  deps: RunSyncJobDeps,
  now: () => number,
): Promise<void> {
  const job = continuation;
  const scope = scopeOfJob(job);
  await renewLease(deps.table, scope, job.jobId, now());
  await enqueueSyncJobs(deps.sqs, deps.queues.syncJobs, [continuation]);
  deps.logger.info('Sync job handed over to a continuation', {
    jobId: job.jobId,
    scope: describeScope(scope),
    nextPage: job.startPage,
    records: recordsSoFar,
  });
}

/** Failures that end this scope's job for good (dead-letter now) rather than retrying it. */
export function isPermanentForScope(error: unknown): boolean {
  if (error instanceof InvalidSyncJobError) return true;
  if (error instanceof Error && error.name === 'InvalidProcoreRecordError') return true;
  // Auth failures are the connector's, not the scope's: retry, so every scope does not dead-letter at once.
  return error instanceof ProcoreError && error.kind === 'permanent' && error.errorClass !== 'ProcoreAuthError' && error.status !== 401;
}
