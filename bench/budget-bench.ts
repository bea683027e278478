// The whole rate budget, shared fairly: a backlog larger than Procore's budget, pulled by the real
// planner and workers (bundled, each in its own process) at the production stage's worker
// concurrency. The simulator's hourly window is scaled down (a 60 s "hour"), and 20 scopes hold 5x
// one window's budget in pages, so the run spans five full windows and a little of a sixth.
// Measured from the simulator's request log, per window as its rate limiter counts them (a window
// starts at the first request after the previous one ended): requests answered (not 429) ÷ the
// budget, and 429s. From the queues and the state table: jobs dead-lettered (sync-jobs DLQ), scopes
// paused at the continuation bound, and each scope's finish (its cursor's lastPull.finishedAt)
// from the planner's start: slowest ÷ fastest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { queueAttributes } from '../cli/aws/sqs';
import { PullWorkerConfigSchema } from '../lib/config/stage-config';
import { WORKER_MEMORY_MB, WORKER_TIMEOUT_SECONDS } from '../lib/constructs/pull-pipeline';
import { startFunctionHost, type FunctionHost } from '../local/function-host';
import { bundleHandlers } from '../local/scenario/bundle-handlers';
import { scheduledPull } from '../local/scenario/scheduled-pull';
import { CONNECTOR_HANDLER_SOURCES, startConnectorScenario, type ConnectorScenario } from '../local/scenario/connector-scenario';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readCursor } from '../functions/pull/state/cursor';
import { listSyncState } from '../functions/pull/state/status';
import type { LoggedRequest, SimulatorOptions } from '../simulator';

export interface BudgetBenchSizes {
  scopes: number;
  /** Length of the simulator's "hourly" window, seconds. */
  windowSeconds: number;
  /** Requests per window. */
  budget: number;
  /** Requests per 10 s spike window. */
  spike: number;
  /** Windows the backlog fills (its pages = windows x budget). */
  windows: number;
  perPage: number;
}

export interface BudgetWindow {
  startedAtMs: number;
  answered: number;
  rateLimited: number;
  /** answered ÷ budget */
  share: number;
}

export interface BudgetBenchResult {
  sizes: BudgetBenchSizes;
  workers: number;
  maxContinuations: number;
  recordsPerScope: number;
  /** The windows the backlog filled (the first `windows`); the rest of the run follows in `tail`. */
  windows: BudgetWindow[];
  tail: { answered: number; rateLimited: number };
  /** Answered requests in the filled windows ÷ (windows x budget). */
  share: number;
  rateLimited: number;
  deadLettered: number;
  paused: number;
  /** Per scope, seconds from the planner's start to its cursor's write; sorted. */
  finishSeconds: number[];
  slowestOverFastest: number;
  wallMs: number;
  pass: { share: boolean; deadLettered: boolean; fairness: boolean };
}

const BUDGET_TARGETS = { share: 0.95, deadLettered: 0, slowestOverFastest: 2 };

const CDK_JSON = path.resolve(__dirname, '..', 'cdk.json');

/** The production stage's worker settings (concurrency, attempts, continuation bound), as cdk.json has them. */
function productionWorker() {
  const json = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context?: { stages?: { production?: { pullWorker?: unknown } } } };
  return PullWorkerConfigSchema.parse(json.context?.stages?.production?.pullWorker ?? {});
}

export async function measureBudgetSharing(
  sizes: BudgetBenchSizes,
  simulator: Pick<SimulatorOptions, 'latencyMs'>,
  progress: (line: string) => void,
): Promise<BudgetBenchResult> {
  const stage = productionWorker();
  const recordsPerScope = Math.ceil((sizes.windows * sizes.budget) / sizes.scopes) * sizes.perPage;
  const bundles = await bundleHandlers({ planner: CONNECTOR_HANDLER_SOURCES.planner, worker: CONNECTOR_HANDLER_SOURCES.worker });
  const scenario = await startConnectorScenario({
    simulator: {
      ...simulator,
      rateLimit: { hourly: sizes.budget, hourlyWindowSeconds: sizes.windowSeconds, spike: sizes.spike, spikeWindowSeconds: 10 },
      maxPerPage: sizes.perPage,
      data: { companies: 1, projectsPerCompany: sizes.scopes, recordsPerResource: recordsPerScope, resources: ['projects', 'rfis'] },
    },
    sync: { resources: ['rfis'], initialLookbackDays: 3650 },
    jobs: { visibilityTimeoutSeconds: WORKER_TIMEOUT_SECONDS + 60, maxReceiveCount: stage.maxReceiveCount },
    logLevel: 'WARN',
  });
  const hosts: FunctionHost[] = [];
  try {
    const env = { ...scenario.env.worker, MAX_CONTINUATIONS: String(stage.maxContinuations) };
    const start = async (name: string, entry: string, fnEnv: Record<string, string>, timeoutMs: number) => {
      const host = await startFunctionHost({ entry, env: fnEnv, functionName: name, timeoutMs, memoryMb: WORKER_MEMORY_MB });
      hosts.push(host);
      return host;
    };
    const planner = await start('pull-planner', bundles.entries.planner, scenario.env.planner, 120_000);
    const workers = await Promise.all(
      Array.from({ length: stage.maxConcurrency }, () => start('pull-worker', bundles.entries.worker, env, WORKER_TIMEOUT_SECONDS * 1000)),
    );
    bulkEdit(scenario);
    progress(
      `budget: ${sizes.scopes} scopes x ${recordsPerScope} RFIs (${sizes.windows}x a budget of ${sizes.budget} per ${sizes.windowSeconds} s window), ${workers.length} workers`,
    );
    scenario.sim.clearRequests();
    const startedAt = Date.now();
    // The records queue is consumed as it fills, as downstream would.
    const delivered = await scheduledPull(scenario, planner, workers, (sizes.windows + 3) * sizes.windowSeconds * 1000);
    const wallMs = Date.now() - startedAt;
    progress(`budget: ${delivered.length} records delivered in ${(wallMs / 1000).toFixed(0)} s`);
    return await summarise(scenario, sizes, { startedAt, wallMs, workers: workers.length, maxContinuations: stage.maxContinuations, recordsPerScope });
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
    await scenario.close();
    await bundles.remove();
  }
}

/** Every RFI changed in one second (a bulk edit) a minute ago: each scope's backlog is then its
 * records ÷ the page size plus the few reads that find that second, a known number of requests
 * (records spread over a year would add a partly filled page per updated_at slice). */
function bulkEdit(scenario: ConnectorScenario): void {
  const { sim, companyId } = scenario;
  const at = sim.clock.now() - 60_000;
  for (const projectId of scenario.projectIds) {
    sim.store.touch(
      'rfis',
      sim.store.list('rfis', { companyId, projectId }).map((r) => r.id),
      at,
    );
  }
}

async function summarise(
  scenario: ConnectorScenario,
  sizes: BudgetBenchSizes,
  run: { startedAt: number; wallMs: number; workers: number; maxContinuations: number; recordsPerScope: number },
): Promise<BudgetBenchResult> {
  const all = rateWindows(
    scenario.sim.requests().filter((r) => r.path.startsWith('/api/rest/')),
    sizes.windowSeconds * 1000,
  ).map((w) => ({ ...w, share: w.answered / sizes.budget }));
  const windows = all.slice(0, sizes.windows);
  const rest = all.slice(sizes.windows);
  const table = { db: DynamoDBDocumentClient.from(scenario.dynamo), tableName: scenario.tableName };
  const finishes = await Promise.all(
    scenario.projectIds.map(async (projectId) => {
      const finishedAt = (await readCursor(table, { companyId: scenario.companyId, projectId, resource: 'rfis' }))?.lastPull?.finishedAt;
      return finishedAt === undefined ? Number.NaN : (Date.parse(finishedAt) - run.startedAt) / 1000;
    }),
  );
  const finishSeconds = finishes.sort((a, b) => a - b);
  const state = await listSyncState(table, scenario.companyId);
  const dlq = await queueAttributes(scenario.sqs, scenario.queues.jobsDlq.url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']);
  const deadLettered = Number(dlq.ApproximateNumberOfMessages ?? 0) + Number(dlq.ApproximateNumberOfMessagesNotVisible ?? 0);
  const share = windows.reduce((sum, w) => sum + w.answered, 0) / (sizes.windows * sizes.budget);
  const slowestOverFastest = (finishSeconds.at(-1) ?? Number.NaN) / (finishSeconds[0] ?? Number.NaN);
  const rateLimited = all.reduce((sum, w) => sum + w.rateLimited, 0);
  return {
    sizes,
    workers: run.workers,
    maxContinuations: run.maxContinuations,
    recordsPerScope: run.recordsPerScope,
    windows,
    tail: { answered: rest.reduce((s, w) => s + w.answered, 0), rateLimited: rest.reduce((s, w) => s + w.rateLimited, 0) },
    share,
    rateLimited,
    deadLettered,
    paused: state.filter((item) => item.kind === 'failure').length,
    finishSeconds,
    slowestOverFastest,
    wallMs: run.wallMs,
    pass: {
      share: windows.length === sizes.windows && share >= BUDGET_TARGETS.share,
      deadLettered: deadLettered === BUDGET_TARGETS.deadLettered,
      fairness: finishSeconds.every(Number.isFinite) && slowestOverFastest <= BUDGET_TARGETS.slowestOverFastest,
    },
  };
}

/** The log cut into the rate limiter's fixed windows: each starts at the first request at or after the previous one's end. */
function rateWindows(requests: LoggedRequest[], lengthMs: number): Omit<BudgetWindow, 'share'>[] {
  const windows: Omit<BudgetWindow, 'share'>[] = [];
  for (const r of [...requests].sort((a, b) => a.at - b.at)) {
    let current = windows.at(-1);
    if (!current || r.at >= current.startedAtMs + lengthMs) {
      current = { startedAtMs: r.at, answered: 0, rateLimited: 0 };
      windows.push(current);
    }
    if (r.status === 429) current.rateLimited += 1;
    else current.answered += 1;
  }
  return windows;
}

const pct = (n: number) => `${(100 * n).toFixed(1)} %`;
const verdict = (ok: boolean) => (ok ? 'pass' : 'FAIL');

/** The scenario's markdown: per window, then the three targets. */
export function budgetLines(b: BudgetBenchResult): string[] {
  const { sizes } = b;
  const first = b.windows[0]?.startedAtMs ?? 0;
  return [
    `**Rate budget shared by ${b.workers} workers** (${sizes.scopes} scopes x ${b.recordsPerScope} RFIs, ${sizes.perPage} per page: ${sizes.windows}x a budget of ${sizes.budget} requests per ${sizes.windowSeconds} s "hour", spike ${sizes.spike} per 10 s; MAX_CONTINUATIONS ${b.maxContinuations})`,
    '',
    '| window | starts at s | requests answered | 429s | share of the budget |',
    '|---:|---:|---:|---:|---:|',
    ...b.windows.map((w, i) => `| ${i + 1} | ${((w.startedAtMs - first) / 1000).toFixed(1)} | ${w.answered} | ${w.rateLimited} | ${pct(w.share)} |`),
    `| after | | ${b.tail.answered} | ${b.tail.rateLimited} | (the rest of the backlog) |`,
    '',
    '| target | measured | |',
    '|---|---:|---|',
    `| share of the budget over ${sizes.windows} windows ≥ ${pct(BUDGET_TARGETS.share)} | ${pct(b.share)} | ${verdict(b.pass.share)} |`,
    `| jobs dead-lettered = 0 | ${b.deadLettered} (${b.rateLimited} 429s, ${b.paused} scopes paused) | ${verdict(b.pass.deadLettered)} |`,
    `| slowest scope's finish ÷ fastest's ≤ ${BUDGET_TARGETS.slowestOverFastest} | ${b.finishSeconds.at(-1)?.toFixed(1)} s ÷ ${b.finishSeconds[0]?.toFixed(1)} s = ${b.slowestOverFastest.toFixed(2)} | ${verdict(b.pass.fairness)} |`,
    '',
    `Scope finishes (s from the planner's start): ${b.finishSeconds.map((s) => s.toFixed(0)).join(', ')}. Run ${(b.wallMs / 1000).toFixed(0)} s.`,
  ];
}
