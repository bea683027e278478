// The pull planner's core: expand the stage's sync config into scopes (company x resource, or
// project x resource for project-scoped resources; companies and projects from discovery/), skip
// the scopes whose turn it is not (backing off after failing for good, inactive projects pulled less
// than a day ago: cadence/), take each remaining scope's lease, and enqueue one job per leased
// scope. A scope whose lease is held (its previous job is queued or running, or another planner run
// just took it) is skipped, so overlapping runs enqueue each scope once. The leases also make a
// retried planner run safe.
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcoreClient } from '../commons/procore/client';
import { classify, type Failure } from '../commons/failure/classify';
import { plannerDecision } from '../commons/failure/decisions';
import type { LoggerLike } from '../commons/observability/logger';
import { scopeTurn } from './cadence/scope-turn';
import { scheduledWindowEnd } from './schedule-time';
import { discoverCompanies } from './discovery/discover-companies';
import { discoverProjects } from './discovery/discover-projects';
import { acquireLease, releaseLease } from './state/lease';
import type { SyncTable } from './state/cursor';
import { readScopeTimings, type ScopeTimings } from './state/planning-state';
import type { ResourceListSpecs } from './list-spec';
import type { SyncConfig } from './sync-config';
import { enqueueSyncJobs } from './sync-jobs-queue';
import { scopeOfJob, type SyncJob } from './sync-job';
import { scopeId, type SyncScope } from './sync-scope';

export interface PlanSyncDeps {
  /** serverNow: Procore's clock, when the client has heard from Procore (discovery). */
  procore: Pick<ProcoreClient, 'pages'> & Partial<Pick<ProcoreClient, 'serverNow'>>;
  sqs: SQSClient;
  table: SyncTable;
  syncJobsQueueUrl: string;
  resources: ResourceListSpecs;
  logger: LoggerLike;
  now?: () => number;
  /** Lease writes in flight at once. */
  concurrency?: number;
  /** Deadline (epoch ms) for each discovery call. */
  deadline?: () => number;
  /** Lease duration covering the redelivery span (lease-duration.ts); config.leaseMinutes is the floor. */
  leaseMs?: number;
  /** A count metric (Powertools in the planner handler). */
  countMetric?: (name: string, value: number) => void;
  /** The run is the reconciliation pull of webhook resources (cadence/run-resources.ts): its jobs say so. */
  reconcile?: boolean;
}

export interface PlanFailure {
  companyId: number;
  errorClass: string;
  message: string;
  status?: number;
  /** May pass on a later try (network, 429, 5xx): the run fails after planning the rest. Permanent
   * ones (403 not installed) need an admin and do not fail the run. (Auth failures fail it at once.) */
  transient: boolean;
}

export interface PlanResult {
  windowEnd: string;
  companies: number[];
  /** Every scope of the companies and projects found, whether enqueued this run or not. */
  scopes: number;
  enqueued: number;
  /** Scopes skipped because their lease was held. */
  leased: number;
  /** Scopes skipped because they failed for good and their back-off has not run out (cadence/backoff.ts). */
  backingOff: number;
  /** Scopes of inactive projects skipped because they were pulled less than a day ago. */
  resting: number;
  /** Content-hash scopes skipped because their last full listing is more recent than their fullListingMinutes. */
  betweenListings: number;
  failures: PlanFailure[];
  /** Known companies that could not list the others (uninstalled, failing) before one did. */
  discoveryFailures: PlanFailure[];
}

/** Discovery of some companies failed for a reason that may pass; the rest was enqueued. */
class PlanIncompleteError extends Error {
  override readonly name = 'PlanIncompleteError';
}

/** A scope the run found, and whether its project is active (company scopes count as active). */
interface FoundScope {
  scope: SyncScope;
  projectActive: boolean;
}

/** `eventTime`: the scheduled event's time; the window ends there unless Procore's clock disagrees (schedule-time.ts). */
export async function planSync(config: SyncConfig, eventTime: string, deps: PlanSyncDeps): Promise<PlanResult> {
  const now = deps.now ?? Date.now;
  const discovery = await discoverCompanies(config, { ...deps, now });
  const discoveryFailures = discovery.failed.map((f) => skippedCompany(f.companyId, classify(f.error)));
  const failures: PlanFailure[] = [];
  const found: FoundScope[] = [];
  const projectScoped = config.resources.filter((r) => deps.resources(r).scope === 'project');
  const companyScoped = config.resources.filter((r) => deps.resources(r).scope === 'company');

  for (const companyId of discovery.companies) {
    for (const resource of companyScoped) found.push({ scope: { companyId, projectId: null, resource }, projectActive: true });
    if (projectScoped.length === 0) continue;
    try {
      for (const project of await discoverProjects(companyId, config, deps)) {
        for (const resource of projectScoped) found.push({ scope: { companyId, projectId: project.id, resource }, projectActive: project.active });
      }
    } catch (error) {
      const failure = classify(error);
      if (plannerDecision(failure) === 'fail-run') throw error;
      const skipped = skippedCompany(companyId, failure);
      failures.push(skipped);
      deps.logger.error('Could not list the projects of a company; its project scopes are skipped this run', { ...skipped });
    }
  }

  // After discovery: the client has heard Procore's clock by now (unless nothing was asked of it).
  const windowEnd = scheduledWindowEnd(eventTime, deps.procore.serverNow?.() ?? now(), deps.logger);
  const turns = await scopeTurns(found, deps, now());
  const jobs = await leaseScopes(turns.due, config, windowEnd, deps, now);
  await enqueueInChunks(jobs, deps);
  const result: PlanResult = {
    windowEnd,
    companies: discovery.companies,
    scopes: found.length,
    enqueued: jobs.length,
    leased: turns.due.length - jobs.length,
    backingOff: turns.backingOff,
    resting: turns.resting,
    betweenListings: turns.betweenListings,
    failures,
    discoveryFailures,
  };
  deps.countMetric?.('ScopesBackingOff', turns.backingOff);
  deps.countMetric?.('InactiveProjectScopesResting', turns.resting);
  deps.logger.info('Sync planned', { ...result });
  const transient = failures.filter((f) => f.transient);
  if (transient.length > 0) {
    throw new PlanIncompleteError(
      `project discovery failed for ${transient.length} compan${transient.length === 1 ? 'y' : 'ies'} (${transient.map((f) => `${f.companyId}: ${f.errorClass}`).join(', ')}); the other scopes were enqueued`,
    );
  }
  return result;
}

/** Sorts the found scopes by their turn this run (state read once per company). */
async function scopeTurns(
  found: FoundScope[],
  deps: Pick<PlanSyncDeps, 'table' | 'resources'>,
  now: number,
): Promise<{ due: SyncScope[]; backingOff: number; resting: number; betweenListings: number }> {
  const timings = new Map<number, ScopeTimings>();
  const result = { due: [] as SyncScope[], backingOff: 0, resting: 0, betweenListings: 0 };
  for (const { scope, projectActive } of found) {
    let company = timings.get(scope.companyId);
    if (!company) timings.set(scope.companyId, (company = await readScopeTimings(deps.table, scope.companyId)));
    const listingIntervalMs = deps.resources(scope.resource).contentHash?.intervalMs;
    const turn = scopeTurn({ projectActive, ...company.get(scopeId(scope)), ...(listingIntervalMs === undefined ? {} : { listingIntervalMs }) }, now);
    if (turn === 'due') result.due.push(scope);
    else if (turn === 'backing-off') result.backingOff += 1;
    else if (turn === 'between-listings') result.betweenListings += 1;
    else result.resting += 1;
  }
  return result;
}

async function leaseScopes(scopes: SyncScope[], config: SyncConfig, windowEnd: string, deps: PlanSyncDeps, now: () => number): Promise<SyncJob[]> {
  const jobs: SyncJob[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(deps.concurrency ?? 10, scopes.length) }, async () => {
    while (next < scopes.length) {
      const scope = scopes[next++]!;
      const job = newJob(scope, config, windowEnd, deps.reconcile === true);
      const durationMs = Math.max(config.leaseMinutes * 60_000, deps.leaseMs ?? 0);
      if (await acquireLease(deps.table, scope, job.jobId, { durationMs, now: now() })) {
        jobs.push(job);
      }
    }
  });
  await Promise.all(lanes);
  return jobs;
}

function newJob(scope: SyncScope, config: SyncConfig, windowEnd: string, reconcile: boolean): SyncJob {
  return {
    version: 1,
    jobId: randomUUID(),
    companyId: scope.companyId,
    projectId: scope.projectId,
    resource: scope.resource,
    windowEnd,
    initialLookbackDays: config.initialLookbackDays,
    overlapSeconds: config.overlapMinutes * 60,
    ...(reconcile ? { reconcile } : {}),
  };
}

/** Ten jobs per SendMessageBatch; if a send fails, the leases of the jobs not sent are given back. */
async function enqueueInChunks(jobs: SyncJob[], deps: PlanSyncDeps): Promise<void> {
  for (let i = 0; i < jobs.length; i += 10) {
    try {
      await enqueueSyncJobs(deps.sqs, deps.syncJobsQueueUrl, jobs.slice(i, i + 10));
    } catch (error) {
      await Promise.allSettled(jobs.slice(i).map((job) => releaseLease(deps.table, scopeOfJob(job), job.jobId)));
      throw error;
    }
  }
}

/** A company the run skipped, as the planner's failure policy sees it (transient: the run fails after the rest is enqueued). */
function skippedCompany(companyId: number, failure: Failure): PlanFailure {
  return {
    companyId,
    errorClass: failure.errorClass,
    message: failure.reason,
    ...(failure.httpStatus === undefined ? {} : { status: failure.httpStatus }),
    transient: plannerDecision(failure) !== 'skip-company',
  };
}
