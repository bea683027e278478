// The pull worker's core: one sync job = one scope, one updated_at window. Takes the scope's lease
// (or finds another job holds it: then this one is superseded and stops), starts where the job's own
// or an adopted checkpoint says (start-point.ts), delivers each page's records to the records queue
// (whole, or by claim check when too large for one message) and checkpoints before reading the next,
// every checkpoint fenced by the lease (lease-fence.ts). Short of time it hands the rest over to a
// continuation job, or pauses at the continuation bound (continuation.ts); it moves the scope's cursor
// only when the whole window has been delivered.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcoreClient, ProcorePage } from '../commons/procore/client';
import type { ProcoreEnvironment } from '../commons/procore/environments';
import { PermanentError } from '../commons/failure/permanent-error';
import type { LoggerLike } from '../commons/observability/logger';
import { pullRemovals } from './removals/pull-removals';
import { removalListQuery } from './removals/removal-sources';
import { sendMessageBatches } from '../commons/queues/sqs-batch-sender';
import type { ClaimCheckBucket } from './claim-check';
import { continuationCount, continuationLimitReached, continuationOf, DEFAULT_MAX_CONTINUATIONS } from './continuation';
import { DEFAULT_SYNC_LEASE_MS } from './lease-duration';
import { claimScope, completeFencedWindow, LeaseLostError, releaseScope, saveFencedCheckpoint, type ScopeFence } from './lease-fence';
import type { ResourceListSpecs } from './list-spec';
import type { PullMetrics } from './pull-metrics';
import { envelopeFor, recordMessage } from './record-envelopes';
import { startPoint, type StartPoint } from './start-point';
import { readCheckpoint, type SyncCheckpoint } from './state/checkpoint';
import { readCursor, type SyncTable } from './state/cursor';
import { clearSyncFailure, recordSyncPause } from './state/failure';
import { enqueueSyncJobs } from './sync-jobs-queue';
import { scopeOfJob, type SyncJob } from './sync-job';
import { describeScope } from './sync-scope';

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
  /** Where records too large for one queue message go (CLAIM_CHECK_BUCKET); without it such a record fails the job. */
  claimCheck?: ClaimCheckBucket | undefined;
  /** How long the scope's lease runs from each renewal (lease-duration.ts). */
  leaseMs?: number;
  /** Continuations per chain before the job pauses (continuation.ts). */
  maxContinuations?: number;
  metrics?: PullMetrics;
}

export interface SyncJobResult {
  /** continued: a continuation is queued; paused: at the continuation bound, the next planner run resumes it;
   * superseded: another job holds the scope's lease, this one stopped without writing anything. */
  outcome: 'completed' | 'continued' | 'paused' | 'superseded';
  records: number;
  claimChecked: number;
  pages: number;
  /** Set when continued or paused: the page the job goes on from. */
  nextPage?: number;
}

type Totals = Pick<SyncJobResult, 'records' | 'claimChecked' | 'pages'>;

export const DEFAULT_HAND_OVER_MARGIN_MS = 60_000;
const DEFAULT_FINISH_RESERVE_MS = 10_000;

/** Thrown for jobs that can never succeed as written (e.g. a project-scoped resource without a project). */
export class InvalidSyncJobError extends PermanentError {
  override readonly name = 'InvalidSyncJobError';
  constructor(message: string) {
    super('InvalidSyncJobError', message);
  }
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
  const fence: ScopeFence = { table: deps.table, scope, holder: job.jobId, leaseMs: deps.leaseMs ?? DEFAULT_SYNC_LEASE_MS, now };
  const totals: Totals = { records: 0, claimChecked: 0, pages: 0 };
  const log = { jobId: job.jobId, scope: describeScope(scope), continuation: continuationCount(job) };
  if (!(await claimScope(fence))) return superseded(log, totals, deps);
  const [saved, stored] = await Promise.all([readCheckpoint(deps.table, scope), readCursor(deps.table, scope)]);
  const start = startPoint(job, saved, stored?.cursor);
  deps.logger.info('Sync job started', {
    ...log,
    window: start.window,
    startPage: start.nextPage,
    ...(start.from ? { [start.basis === 'adopted' ? 'adoptedFrom' : 'resumedFrom']: { jobId: start.from.jobId, savedAt: start.from.savedAt } } : {}),
  });
  try {
    // The window's removed records (recycle bins, inactive lists) are read once, as the window's first
    // page is: while the invocation has its whole time, and before the cursor can move past them.
    // A job that dies before its first checkpoint reads them again (duplicates, never a loss).
    const removals = start.nextPage === 1 ? await pullRemovals(job, start.window, { ...deps, deadline: now() + deps.remainingMs() - (deps.finishReserveMs ?? DEFAULT_FINISH_RESERVE_MS), now }) : undefined;
    totals.records += removals?.records ?? 0;
    totals.claimChecked += removals?.claimChecked ?? 0;
    const position = await pageThrough(job, start, fence, deps, totals);
    if (position) return await handOverOrPause(job, position, fence, deps, totals);
    const lastPull = {
      jobId: job.jobId,
      ...totals,
      finishedAt: new Date(now()).toISOString(),
      ...(removals?.unavailable ? { removalsUnavailable: removals.unavailable } : {}),
    };
    const { cursorAdvanced } = await completeFencedWindow(fence, start.window.end, lastPull);
    await clearSyncFailure(deps.table, scope);
    deps.logger.info('Sync job completed', { ...log, window: start.window, ...totals, cursorAdvanced });
    return { outcome: 'completed', ...totals };
  } catch (error) {
    if (error instanceof LeaseLostError) return superseded(log, totals, deps);
    throw error;
  }
}

/**
 * Reads and delivers pages from the start point, checkpointing each. Returns the checkpointed
 * position when time runs short, undefined once the last page is delivered.
 */
async function pageThrough(job: SyncJob, start: StartPoint, fence: ScopeFence, deps: RunSyncJobDeps, totals: Totals): Promise<SyncCheckpoint | undefined> {
  const spec = deps.resources(job.resource);
  const { window } = start;
  // The registry's filters for this window (updated_at, include_deleted where declared, view).
  const base = spec.pullRequest(fence.scope, window);
  const lambdaDeadline = fence.now() + deps.remainingMs();
  const margin = deps.handOverMarginMs ?? DEFAULT_HAND_OVER_MARGIN_MS;
  let nextPage = start.nextPage;
  let previousTotal = start.seenTotal;
  const position = (page: number, seenTotal: number | undefined): SyncCheckpoint => ({
    jobId: job.jobId,
    windowStart: window.start,
    windowEnd: window.end,
    nextPage: page,
    recordsSoFar: start.recordsBefore + totals.records,
    savedAt: new Date(fence.now()).toISOString(),
    ...(seenTotal === undefined ? {} : { seenTotal }),
  });
  // An outer loop because a shrinking result set (records updated past windowEnd while we page)
  // shifts later records onto pages already read: then paging restarts a little earlier,
  // repeating at most a page. This needs Total; without it the client's page walk checks each page
  // boundary itself and reads again from where the list moved (functions/commons/procore/paging.ts).
  restart: for (;;) {
    const pages = deps.procore.pages<unknown>({
      ...base,
      // Removed records that ride on the list itself (project status, include_deleted) need its query too.
      query: { ...base.query, ...removalListQuery(job.resource) },
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
        deps.logger.warn('The window shrank while paging; re-reading from an earlier page', { jobId: job.jobId, window, shrunkBy, nextPage });
      } else {
        await deliverPage(page, job, deps, totals);
        nextPage = page.page + 1;
        if (!page.hasNext) return undefined;
      }
      const saved = position(nextPage, page.total);
      await saveFencedCheckpoint(fence, saved);
      if (deps.remainingMs() < margin) return saved;
      if (shifted) continue restart;
    }
    return undefined;
  }
}

async function deliverPage(page: ProcorePage<unknown>, job: SyncJob, deps: RunSyncJobDeps, totals: Totals): Promise<void> {
  const syncedAt = new Date((deps.now ?? Date.now)()).toISOString();
  const scope = scopeOfJob(job);
  const delivered = await Promise.all(
    page.items.map((record) => recordMessage(envelopeFor(record, { environment: deps.environment, scope, syncedAt }), { claimCheck: deps.claimCheck })),
  );
  const claimChecked = delivered.filter((d) => d.claimChecked).length;
  if (claimChecked > 0) deps.logger.info('Records too large for one queue message delivered by claim check', { jobId: job.jobId, claimChecked });
  await sendMessageBatches(deps.sqs, deps.queues.records, delivered.map((d) => d.message), { concurrency: deps.deliveryConcurrency ?? 4 });
  totals.records += delivered.length;
  totals.claimChecked += claimChecked;
  totals.pages += 1;
  deps.metrics?.count('PullRecordsDelivered', delivered.length);
  deps.metrics?.count('PullPagesDelivered');
  if (claimChecked > 0) deps.metrics?.count('PullRecordsClaimChecked', claimChecked);
}

/** Enqueues the continuation (same window, next page; its position is checkpointed), or pauses at the bound. */
async function handOverOrPause(job: SyncJob, position: SyncCheckpoint, fence: ScopeFence, deps: RunSyncJobDeps, totals: Totals): Promise<SyncJobResult> {
  const log = { jobId: job.jobId, scope: describeScope(fence.scope), nextPage: position.nextPage, records: position.recordsSoFar };
  const max = deps.maxContinuations ?? DEFAULT_MAX_CONTINUATIONS;
  if (continuationLimitReached(job, max)) {
    // Another hop could pass Lambda's recursion limit (or the operator's bound): stop here and let
    // the next planner run's job adopt the checkpoint. A transient stop, recorded for `status`.
    const message = `paused after ${continuationCount(job)} continuations in one chain (MAX_CONTINUATIONS=${max}); the next planner run resumes from page ${position.nextPage}`;
    await releaseScope(fence);
    await recordSyncPause(deps.table, fence.scope, {
      errorClass: 'ContinuationLimitReached',
      message,
      attempts: 1,
      jobId: job.jobId,
      failedAt: new Date(fence.now()).toISOString(),
    });
    deps.metrics?.count('PullContinuationLimitReached');
    deps.logger.warn('Sync job paused at the continuation bound', { ...log, reason: message });
    return { outcome: 'paused', ...totals, nextPage: position.nextPage };
  }
  const continuation = continuationOf(job, position);
  await enqueueSyncJobs(deps.sqs, deps.queues.syncJobs, [continuation]);
  deps.metrics?.count('PullContinuations');
  deps.logger.info('Sync job handed over to a continuation', { ...log, continuation: continuation.continuation });
  return { outcome: 'continued', ...totals, nextPage: position.nextPage };
}

function superseded(log: Record<string, unknown>, totals: Totals, deps: RunSyncJobDeps): SyncJobResult {
  deps.metrics?.count('PullJobsSuperseded');
  deps.logger.warn('Another job holds the scope\'s lease; this job stops without writing a checkpoint or cursor', { ...log, ...totals });
  return { outcome: 'superseded', ...totals };
}
