// The pull worker's core: one sync job = one scope, one updated_at window. Takes the scope's lease
// (or finds another job holds it: then this one is superseded and stops), starts where the job's own
// or an adopted checkpoint says (start-point.ts), reads the window slice by slice so that a list
// changing while it is read loses nothing (window-walk.ts), delivers each slice's records to the
// records queue (whole, by claim check when too large for one message, quarantined when unreadable)
// while the next slice is read (one read ahead, read-ahead.ts), and checkpoints each slice after its
// delivery, every checkpoint fenced by the lease (lease-fence.ts).
// Short of time it hands the rest over to a continuation job, or pauses at the continuation bound
// (continuation.ts). It also hands over at the end of its turn when other jobs wait (fair-turn.ts),
// and, when Procore's rate budget is spent past its deadline, to a continuation held back until the
// reset (rate-limit-wait.ts) instead of failing the job. It moves the scope's cursor only when the
// whole window has been delivered, and never past the time the window's first page was read.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { toProcoreTime } from '../commons/contracts/procore-time';
import type { ProcoreClient } from '../commons/procore/client';
import type { ProcoreEnvironment } from '../commons/procore/environments';
import { PermanentError } from '../commons/failure/permanent-error';
import type { LoggerLike } from '../commons/observability/logger';
import { ChangeDetector } from './content-hash/change-detector';
import { DELIVERED_MARKER_TTL_MS } from './content-hash/delivered-markers';
import { getResource } from '../commons/resources/registry';
import { pullRemovals } from './removals/pull-removals';
import { removalListQuery } from './removals/removal-sources';
import type { ClaimCheckBucket } from './claim-check';
import { continuationCount, continuationLimitReached, continuationOf, DEFAULT_MAX_CONTINUATIONS } from './continuation';
import { DEFAULT_SYNC_LEASE_MS } from './lease-duration';
import { CheckpointWriter } from './checkpoint-writer';
import { claimScope, completeFencedWindow, LeaseLostError, releaseScope, type ScopeFence } from './lease-fence';
import type { ResourceListSpec, ResourceListSpecs } from './list-spec';
import type { PullMetrics } from './pull-metrics';
import { deliverEnvelopes, envelopeFor } from './record-envelopes';
import { startPoint, type StartPoint } from './start-point';
import { readCheckpoint, type SyncCheckpoint } from './state/checkpoint';
import { readCursor, type SyncTable } from './state/cursor';
import { trustedCursor } from './sync-window';
import { parentIds, walkPerParent, type ParentChunk, type ParentPosition } from './parent-walk';
import { readAhead } from './read-ahead';
import { walkWindow, type WindowPosition } from './window-walk';
import { clearSyncFailure, recordSyncPause } from './state/failure';
import { DEFAULT_PAGES_PER_TURN, FairTurn } from './fair-turn';
import { budgetResetAt, continuationDelaySeconds } from './rate-limit-wait';
import { enqueueSyncJobs, syncJobsWaiting } from './sync-jobs-queue';
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
  /** SendMessageBatch calls in flight while delivering a page (default DELIVERY_CONCURRENCY, record-envelopes.ts). */
  deliveryConcurrency?: number;
  /** Where records too large for one queue message go (CLAIM_CHECK_BUCKET); without it such a record fails the job. */
  claimCheck?: ClaimCheckBucket | undefined;
  /** How long the scope's lease runs from each renewal (lease-duration.ts). */
  leaseMs?: number;
  /** Continuations per chain before the job pauses (continuation.ts). */
  maxContinuations?: number;
  /** List answers a job reads per turn before it lets waiting jobs go first (fair-turn.ts). */
  pagesPerTurn?: number;
  metrics?: PullMetrics;
}

export interface SyncJobResult {
  /** continued: a continuation is queued; paused: at the continuation bound, the next planner run resumes it;
   * superseded: another job holds the scope's lease, this one stopped without writing anything. */
  outcome: 'completed' | 'continued' | 'paused' | 'superseded';
  records: number;
  claimChecked: number;
  /** Of the records, those delivered quarantined (Procore sent them unreadable). */
  quarantined: number;
  /** List answers read (slices and pages). */
  pages: number;
  /** Set when continued or paused: where the job goes on from. */
  next?: WindowPosition;
}

export type Totals = Pick<SyncJobResult, 'records' | 'claimChecked' | 'quarantined' | 'pages'>;

const DEFAULT_HAND_OVER_MARGIN_MS = 60_000;
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
    throw new InvalidSyncJobError(`${job.resource} is ${spec.scope}-scoped, but the job ${job.projectId === null ? 'has no projectId' : 'names a project'}`);
  }
  const fence: ScopeFence = { table: deps.table, scope, holder: job.jobId, leaseMs: deps.leaseMs ?? DEFAULT_SYNC_LEASE_MS, now };
  const totals: Totals = { records: 0, claimChecked: 0, quarantined: 0, pages: 0 };
  const log = { jobId: job.jobId, scope: describeScope(scope), continuation: continuationCount(job) };
  if (!(await claimScope(fence))) return superseded(log, totals, deps);
  const [saved, stored] = await Promise.all([readCheckpoint(deps.table, scope), readCursor(deps.table, scope)]);
  const start = startPoint(job, saved, trustedCursor(stored, deps.logger));
  deps.logger.info('Sync job started', {
    ...log,
    window: start.window,
    ...(start.position ? { resumeFrom: start.position.from, page: start.position.page } : {}),
    ...(start.from ? { [start.basis === 'adopted' ? 'adoptedFrom' : 'resumedFrom']: { jobId: start.from.jobId, savedAt: start.from.savedAt } } : {}),
  });
  try {
    const detector = await loadChangeDetector(job, spec, deps.table, now);
    const read = await readWindow(job, start, fence, deps, totals, detector);
    if (read.handOver) return await handOverOrPause(job, read.handOver, fence, deps, totals, read.notBefore);
    // The window as read: its end is never after the time its first page was read.
    const window = { ...start.window, end: read.windowEnd };
    // The window's removed records (recycle bins, inactive lists, ids that left a content-hash list
    // read whole in this invocation), before the cursor moves past them.
    const removals = await pullRemovals(job, window, {
      ...deps,
      deadline: now() + deps.remainingMs() - (deps.finishReserveMs ?? DEFAULT_FINISH_RESERVE_MS),
      now,
      ...(detector && spec.contentHash && start.position === undefined ? { leftTheList: detector } : {}),
      ...(detector && job.reconcile ? { alreadyDelivered: detector } : {}),
    });
    totals.records += removals.records;
    totals.claimChecked += removals.claimChecked;
    const lastPull = {
      jobId: job.jobId,
      ...totals,
      finishedAt: new Date(now()).toISOString(),
      ...(removals?.unavailable ? { removalsUnavailable: removals.unavailable } : {}),
    };
    const { cursorAdvanced } = await completeFencedWindow(fence, window.end, lastPull);
    await clearSyncFailure(deps.table, scope);
    deps.logger.info('Sync job completed', { ...log, window, ...totals, cursorAdvanced });
    return { outcome: 'completed', ...totals };
  } catch (error) {
    if (error instanceof LeaseLostError) return superseded(log, totals, deps);
    throw error;
  }
}

/**
 * The hashes a pull compares records with: a content-hash list's (every listing), or the delivered
 * markers of a webhook resource's reconciliation pull (content-hash/delivered-markers.ts). Other
 * pulls deliver their window whole.
 */
async function loadChangeDetector(job: SyncJob, spec: ResourceListSpec, table: SyncTable, now: () => number): Promise<ChangeDetector | undefined> {
  const scope = scopeOfJob(job);
  const full = job.full === true;
  if (spec.contentHash) return ChangeDetector.load(table, scope, { idField: spec.contentHash.idField, full });
  if (!job.reconcile) return undefined;
  return ChangeDetector.load(table, scope, { idField: getResource(job.resource).idField, full, expireAfterMs: DELIVERED_MARKER_TTL_MS, now });
}

/**
 * Reads the window from the start point (window-walk.ts) and delivers what each read brings,
 * checkpointing each time. The next read runs while a chunk is delivered (read-ahead.ts, one ahead),
 * and a chunk's checkpoint is written while the next chunk is delivered (checkpoint-writer.ts), each
 * after its own chunk's delivery. Returns the checkpointed position when time runs short, and the
 * window's end as read (clamped to Procore's clock at the first read); no write is in flight after.
 */
async function readWindow(
  job: SyncJob,
  start: StartPoint,
  fence: ScopeFence,
  deps: RunSyncJobDeps,
  totals: Totals,
  detector?: ChangeDetector,
): Promise<{ windowEnd: string; handOver?: SyncCheckpoint; notBefore?: number }> {
  const deadline = fence.now() + deps.remainingMs() - (deps.finishReserveMs ?? DEFAULT_FINISH_RESERVE_MS);
  const margin = deps.handOverMarginMs ?? DEFAULT_HAND_OVER_MARGIN_MS;
  let windowEnd = start.window.end;
  // Past the end of the lease as this worker last wrote it another job may hold the scope: a read
  // ahead would most likely be read again by that job, and a delivery waits for the write in flight.
  const checkpoints = new CheckpointWriter(fence);
  // A content-hash list takes no turns: read whole in one invocation, it also shows which ids left it
  // (a reconciliation pull, compared with delivered markers the same way, reads whole too).
  const turn = detector
    ? undefined
    : new FairTurn({ pagesPerTurn: deps.pagesPerTurn ?? DEFAULT_PAGES_PER_TURN, othersWaiting: () => syncJobsWaiting(deps.sqs, deps.queues.syncJobs) });
  const mayReadAhead = () => deps.remainingMs() >= margin && fence.now() < checkpoints.leasedUntil && (turn?.mayReadAhead() ?? true);
  // Where the walk goes on after what was delivered: a hand-over when the rate budget runs out starts there.
  let position: ParentPosition = start.position ?? { from: start.window.start, page: 1 };
  try {
    for await (const { value: chunk, nextStarted } of readAhead(windowChunks(job, start, deps, { now: fence.now, deadline }), mayReadAhead)) {
      windowEnd = chunk.windowEnd;
      totals.pages += 1;
      // A content-hash list (or a reconciliation pull) delivers only what changed since it was last delivered, then keeps the new hashes.
      const deliver = detector ? detector.changed(chunk.items) : chunk.items;
      await checkpoints.beforeDelivery();
      if (deliver.length > 0) await deliverRecords(deliver, job, deps, totals);
      await detector?.commit();
      const short = deps.remainingMs() < margin;
      // Read to its end. Short of time, the removal pass goes to a continuation (a position past the end).
      if (!chunk.next && !short) {
        await checkpoints.settle();
        return { windowEnd };
      }
      // Past the end: of the last parent's list, for a list read per parent.
      const next: ParentPosition = chunk.next ?? { from: toProcoreTime(Date.parse(windowEnd) + 1000), page: 1, ...parentOf(chunk) };
      position = next;
      const turnOver = chunk.next !== undefined && turn !== undefined && (await turn.passed());
      // Short of time or at its turn's end, a chunk already read ahead is still delivered first.
      const handOver = (short || turnOver) && !(chunk.next && nextStarted);
      // A read that delivered nothing needs no checkpoint, unless the job hands over from it.
      if (chunk.items.length === 0 && !handOver) continue;
      const saved = checkpointAt(job, start, next, windowEnd, fence.now(), totals);
      await checkpoints.write(saved);
      if (handOver) {
        await checkpoints.settle();
        return { windowEnd, handOver: saved };
      }
    }
    await checkpoints.settle();
  } catch (error) {
    // The rate budget is spent past this invocation's deadline: go on after the reset, not as a failure.
    const notBefore = budgetResetAt(error);
    if (notBefore === undefined) {
      await checkpoints.drain();
      throw error;
    }
    const saved = checkpointAt(job, start, position, windowEnd, fence.now(), totals);
    await checkpoints.write(saved);
    await checkpoints.settle();
    return { windowEnd, handOver: saved, notBefore };
  }
  return { windowEnd };
}

function checkpointAt(job: SyncJob, start: StartPoint, next: ParentPosition, windowEnd: string, now: number, totals: Totals): SyncCheckpoint {
  return {
    jobId: job.jobId,
    windowStart: start.window.start,
    windowEnd,
    resumeFrom: next.from,
    nextPage: next.page,
    ...(next.seenTotal === undefined ? {} : { seenTotal: next.seenTotal }),
    ...(next.sliceSeconds === undefined ? {} : { sliceSeconds: next.sliceSeconds }),
    ...(next.parentId === undefined ? {} : { parentId: next.parentId }),
    recordsSoFar: start.recordsBefore + totals.records,
    savedAt: new Date(now).toISOString(),
  };
}

/**
 * The window's reads as chunks (window-walk.ts): the list's own, or once per parent record
 * (parent-walk.ts) for lists Procore serves under a parent. A list that declares no page/per_page is
 * read in one answer. Each parent's walk gets the window as read so far (clamped at the first read),
 * kept here as chunks pass: a walk read ahead starts before the caller has seen the chunk before it.
 * The bench reads them alone too.
 */
export async function* windowChunks(
  job: SyncJob,
  start: StartPoint,
  deps: Pick<RunSyncJobDeps, 'resources' | 'procore' | 'logger'>,
  clock: { now: () => number; deadline: number },
): AsyncGenerator<ParentChunk<unknown>> {
  const spec = deps.resources(job.resource);
  const scope = scopeOfJob(job);
  const { deadline } = clock;
  let windowEnd = start.window.end;
  const walk = (parentId: number | undefined, position: WindowPosition | undefined) => {
    const base = spec.pullRequest(scope, start.window, parentId);
    return walkWindow<unknown>({
      label: `Procore ${base.method} ${base.path}`,
      window: { start: start.window.start, end: windowEnd },
      position,
      perPage: spec.maxPerPage,
      sliceable: spec.incremental,
      now: clock.now,
      logger: deps.logger,
      read: async (range, page, perPage) => {
        // The registry's filters for this slice (updated_at, include_deleted where declared, view).
        const slice = spec.pullRequest(scope, { start: range.from, end: range.to, basis: start.window.basis }, parentId);
        // Removed records that ride on the list itself (project status, include_deleted) need its query too.
        const query = { ...slice.query, ...removalListQuery(job.resource), ...(spec.paged === false ? {} : { page, per_page: perPage }) };
        const answer = await deps.procore.request({ ...slice, query, deadline, exactIntegers: true });
        return spec.paged === false ? wholeList(answer) : answer;
      },
    });
  };
  const chunks = spec.parentsRequest ? perParent(spec.parentsRequest(scope)) : walk(undefined, start.position);
  for await (const chunk of chunks) {
    windowEnd = chunk.windowEnd;
    yield chunk;
  }

  async function* perParent(parentsRequest: NonNullable<ReturnType<NonNullable<typeof spec.parentsRequest>>>): AsyncGenerator<ParentChunk<unknown>> {
    const parents: unknown[] = [];
    for await (const page of deps.procore.pages({ ...parentsRequest, perPage: spec.maxPerPage, deadline })) parents.push(...page.items);
    yield* walkPerParent(parentIds(parents), start.position, start.window.start, walk);
  }
}

/** An unpaged list's one answer is the whole list: its Total is its length (so no second page is read). */
function wholeList<A extends { data: unknown; headers: Record<string, string> }>(answer: A): A {
  const count = Array.isArray(answer.data) ? answer.data.length : undefined;
  return count === undefined ? answer : { ...answer, headers: { ...answer.headers, total: String(count) } };
}

const parentOf = (chunk: ParentChunk<unknown>) => (chunk.parentId === undefined ? {} : { parentId: chunk.parentId });

/** Delivers one chunk's records as envelopes (the bench delivers them alone too). */
export async function deliverRecords(
  records: unknown[],
  job: SyncJob,
  deps: Pick<RunSyncJobDeps, 'sqs' | 'queues' | 'environment' | 'logger' | 'metrics' | 'claimCheck' | 'deliveryConcurrency' | 'now'>,
  totals: Totals,
): Promise<void> {
  const syncedAt = new Date((deps.now ?? Date.now)()).toISOString();
  const scope = scopeOfJob(job);
  const envelopes = records.map((record) => envelopeFor(record, { environment: deps.environment, scope, syncedAt }));
  const quarantined = envelopes.filter((e) => e.lifecycle === 'quarantined');
  if (quarantined.length > 0) {
    // The reasons, never the records: they go downstream in the quarantined envelopes.
    deps.logger.warn('Records Procore sent that cannot be read are delivered quarantined; the scope goes on', {
      jobId: job.jobId,
      scope: describeScope(scope),
      quarantined: quarantined.length,
      reasons: [...new Set(quarantined.map((e) => ('quarantine' in e ? e.quarantine.reason : '')))].slice(0, 10),
    });
    deps.metrics?.count('PullRecordsQuarantined', quarantined.length);
  }
  const { records: sent, claimChecked } = await deliverEnvelopes(envelopes, {
    sqs: deps.sqs,
    recordsQueueUrl: deps.queues.records,
    claimCheck: deps.claimCheck,
    concurrency: deps.deliveryConcurrency,
  });
  if (claimChecked > 0) deps.logger.info('Records too large for one queue message delivered by claim check', { jobId: job.jobId, claimChecked });
  totals.records += sent;
  totals.claimChecked += claimChecked;
  totals.quarantined += quarantined.length;
  deps.metrics?.count('PullRecordsDelivered', sent);
  deps.metrics?.count('PullPagesDelivered');
  if (claimChecked > 0) deps.metrics?.count('PullRecordsClaimChecked', claimChecked);
}

/** Enqueues the continuation (same window, next page; its position is checkpointed), or pauses at the bound. */
async function handOverOrPause(
  job: SyncJob,
  position: SyncCheckpoint,
  fence: ScopeFence,
  deps: RunSyncJobDeps,
  totals: Totals,
  notBefore?: number,
): Promise<SyncJobResult> {
  const next: WindowPosition = {
    from: position.resumeFrom ?? position.windowStart,
    page: position.nextPage,
    ...(position.seenTotal === undefined ? {} : { seenTotal: position.seenTotal }),
    ...(position.sliceSeconds === undefined ? {} : { sliceSeconds: position.sliceSeconds }),
  };
  const log = { jobId: job.jobId, scope: describeScope(fence.scope), resumeFrom: next.from, page: next.page, records: position.recordsSoFar };
  const max = deps.maxContinuations ?? DEFAULT_MAX_CONTINUATIONS;
  if (continuationLimitReached(job, max)) {
    // Another hop could pass Lambda's recursion limit (or the operator's bound): stop here and let
    // the next planner run's job adopt the checkpoint. A transient stop, recorded for `status`.
    const message = `paused after ${continuationCount(job)} continuations in one chain (MAX_CONTINUATIONS=${max}); the next planner run resumes from ${next.from}`;
    await releaseScope(fence);
    // Recorded for `status`, without a back-off: the next planner run must carry it on.
    await recordSyncPause(deps.table, fence.scope, {
      errorClass: 'ContinuationLimitReached',
      message,
      attempts: 1,
      jobId: job.jobId,
      failedAt: new Date(fence.now()).toISOString(),
    });
    deps.metrics?.count('PullContinuationLimitReached');
    deps.logger.warn('Sync job paused at the continuation bound', { ...log, reason: message });
    return { outcome: 'paused', ...totals, next };
  }
  const continuation = continuationOf(job, { start: position.windowStart, end: position.windowEnd }, next);
  const delaySeconds = notBefore === undefined ? 0 : continuationDelaySeconds(notBefore, fence.now());
  await enqueueSyncJobs(deps.sqs, deps.queues.syncJobs, [continuation], delaySeconds);
  deps.metrics?.count('PullContinuations');
  deps.logger.info('Sync job handed over to a continuation', {
    ...log,
    continuation: continuation.continuation,
    ...(notBefore === undefined ? {} : { rateBudgetResetAt: new Date(notBefore).toISOString(), delaySeconds }),
  });
  return { outcome: 'continued', ...totals, next };
}

function superseded(log: Record<string, unknown>, totals: Totals, deps: RunSyncJobDeps): SyncJobResult {
  deps.metrics?.count('PullJobsSuperseded');
  deps.logger.warn("Another job holds the scope's lease; this job stops without writing a checkpoint or cursor", { ...log, ...totals });
  return { outcome: 'superseded', ...totals };
}
