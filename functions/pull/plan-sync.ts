// The pull planner's core: expand the stage's sync config into scopes (company x resource, or
// project x resource for project-scoped resources), take each scope's lease, and enqueue one job
// per leased scope. A scope whose lease is held (its previous job is queued or running, or another
// planner run just took it) is skipped, so overlapping runs enqueue each scope once. The leases
// also make a retried planner run safe.
import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcoreClient } from '../commons/procore/client';
import { classify } from '../commons/failure/classify';
import { plannerDecision } from '../commons/failure/decisions';
import type { LoggerLike } from '../commons/observability/logger';
import { acquireLease, releaseLease } from './state/lease';
import type { SyncTable } from './state/cursor';
import type { ResourceListSpecs } from './list-spec';
import type { SyncConfig } from './sync-config';
import { enqueueSyncJobs } from './sync-jobs-queue';
import { scopeOfJob, type SyncJob } from './sync-job';
import type { SyncScope } from './sync-scope';

export interface PlanSyncDeps {
  procore: Pick<ProcoreClient, 'pages'>;
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
  scopes: number;
  enqueued: number;
  /** Scopes skipped because their lease was held. */
  leased: number;
  failures: PlanFailure[];
}

/** Discovery of some companies failed for a reason that may pass; the rest was enqueued. */
export class PlanIncompleteError extends Error {
  override readonly name = 'PlanIncompleteError';
}

const COMPANIES_PATH = '/rest/v1.0/companies';
const DISCOVERY_PER_PAGE = 100;

export async function planSync(config: SyncConfig, windowEnd: string, deps: PlanSyncDeps): Promise<PlanResult> {
  const now = deps.now ?? Date.now;
  const companies = await discoverCompanies(config, deps);
  const failures: PlanFailure[] = [];
  const scopes: SyncScope[] = [];
  const projectScoped = config.resources.filter((r) => deps.resources(r).scope === 'project');
  const companyScoped = config.resources.filter((r) => deps.resources(r).scope === 'company');

  for (const companyId of companies) {
    for (const resource of companyScoped) scopes.push({ companyId, projectId: null, resource });
    if (projectScoped.length === 0) continue;
    try {
      const projects = await discoverProjects(companyId, config, deps);
      for (const projectId of projects) {
        for (const resource of projectScoped) scopes.push({ companyId, projectId, resource });
      }
    } catch (error) {
      const failure = classify(error);
      const action = plannerDecision(failure);
      if (action === 'fail-run') throw error;
      const skipped: PlanFailure = {
        companyId,
        errorClass: failure.errorClass,
        message: failure.reason,
        ...(failure.httpStatus === undefined ? {} : { status: failure.httpStatus }),
        transient: action === 'skip-company-and-fail-run',
      };
      failures.push(skipped);
      deps.logger.error('Could not list the projects of a company; its project scopes are skipped this run', { ...skipped });
    }
  }

  const jobs = await leaseScopes(scopes, config, windowEnd, deps, now);
  await enqueueInChunks(jobs, deps);
  const result: PlanResult = {
    windowEnd,
    companies,
    scopes: scopes.length,
    enqueued: jobs.length,
    leased: scopes.length - jobs.length,
    failures,
  };
  deps.logger.info('Sync planned', { ...result });
  const transient = failures.filter((f) => f.transient);
  if (transient.length > 0) {
    throw new PlanIncompleteError(
      `project discovery failed for ${transient.length} compan${transient.length === 1 ? 'y' : 'ies'} (${transient.map((f) => `${f.companyId}: ${f.errorClass}`).join(', ')}); the other scopes were enqueued`,
    );
  }
  return result;
}

async function discoverCompanies(config: SyncConfig, deps: PlanSyncDeps): Promise<number[]> {
  if (config.companies !== 'all') return config.companies;
  if (config.discoveryCompanyId === undefined) {
    throw new Error(
      'sync config: companies "all" needs discoveryCompanyId (Procore requires a Procore-Company-Id header even to list companies)',
    );
  }
  const ids: number[] = [];
  for await (const page of deps.procore.pages<{ id: number }>({
    method: 'GET',
    path: COMPANIES_PATH,
    companyId: config.discoveryCompanyId,
    perPage: DISCOVERY_PER_PAGE,
    ...(deps.deadline ? { deadline: deps.deadline() } : {}),
  })) {
    ids.push(...page.items.map((company) => company.id));
  }
  return ids;
}

/** The company's permitted projects (Procore lists only those to a DMSA), narrowed by the config. */
async function discoverProjects(companyId: number, config: SyncConfig, deps: PlanSyncDeps): Promise<number[]> {
  const spec = deps.resources('projects');
  const request = spec.listRequest({ companyId, projectId: null, resource: 'projects' });
  const wanted = config.projects === 'all' ? undefined : new Set(config.projects);
  const ids: number[] = [];
  for await (const page of deps.procore.pages<{ id: number }>({
    ...request,
    perPage: spec.maxPerPage,
    ...(deps.deadline ? { deadline: deps.deadline() } : {}),
  })) {
    for (const project of page.items) if (!wanted || wanted.has(project.id)) ids.push(project.id);
  }
  return ids;
}

async function leaseScopes(
  scopes: SyncScope[],
  config: SyncConfig,
  windowEnd: string,
  deps: PlanSyncDeps,
  now: () => number,
): Promise<SyncJob[]> {
  const jobs: SyncJob[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(deps.concurrency ?? 10, scopes.length) }, async () => {
    while (next < scopes.length) {
      const scope = scopes[next++]!;
      const job = newJob(scope, config, windowEnd);
      const durationMs = Math.max(config.leaseMinutes * 60_000, deps.leaseMs ?? 0);
      if (await acquireLease(deps.table, scope, job.jobId, { durationMs, now: now() })) {
        jobs.push(job);
      }
    }
  });
  await Promise.all(lanes);
  return jobs;
}

function newJob(scope: SyncScope, config: SyncConfig, windowEnd: string): SyncJob {
  return {
    version: 1,
    jobId: randomUUID(),
    companyId: scope.companyId,
    projectId: scope.projectId,
    resource: scope.resource,
    windowEnd,
    initialLookbackDays: config.initialLookbackDays,
    overlapSeconds: config.overlapMinutes * 60,
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
