// npm run bench: the connector measured on the Procore simulator (realistic latency, a rate budget)
// and moto, each scenario beside its baseline in the same run. Prints markdown tables and writes
// results/bench-<iso>.{md,json} and results/bench-latest.{md,json}.
// Exits 1 when a push scenario's Procore writes carried an origin_id no message carried.
// Knobs (for quick runs): BENCH_PULL_SIZES=10000,100000  BENCH_PULL_CPU_RUNS=3  BENCH_PUSH_MESSAGES=1000  BENCH_COLD_ROUNDS=15
// BENCH_WEBHOOK_POLL_PROJECTS=2
// and --only=pull,push,planner,cold,webhooks,budget (some scenarios; the report holds those). --help prints this.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { motoEnvironment, startMotoServer, type MotoServer } from '../local/moto-server';
import { startConnectorScenario, type ConnectorScenario } from '../local/scenario/connector-scenario';
import { startAwsRequestCounter, type AwsRequestCounter } from './aws-request-counter';
import type { BenchBundles, BenchContext } from './bench-context';
import { type Bundle, bundleHandler } from '../local/scenario/bundle-handlers';
import { measureColdStarts } from './cold-start/measure-cold-start';
import { measurePlanner, type PlannerMeasurement } from './planner-bench';
import { measureConnectorPull, measureHostBaseline, measurePullParts, measureSdkPull, seedPullProject, WARM_UP_RECORDS } from './pull-bench';
import { measureFifoPush, measurePush, rfiCreates, vendorUpserts } from './push-bench';
import { machineInfo, renderMarkdown, type BenchResult } from './bench-report';
import { originIdAuditLine } from '../simulator';
import { measureWebhooksVsPolling } from './webhook-bench';
import { measureBudgetSharing } from './budget-bench';
import { loadStageConfig } from '../lib/config/stage-config';
import { type TracingMode, tracingEnvironment } from '../lib/config/tracing-mode';

const ROOT = path.resolve(__dirname, '..');
const LATENCY_MS = { min: 40, max: 80 };
// Procore's old documented default hourly budget, and a spike window a serial client can outrun.
const RATE_BUDGET = { hourly: 3600, spike: 100, spikeWindowSeconds: 10 };
const MAX_PER_PAGE = 1000;
/** Message groups of the FIFO push scenario. */
const FIFO_GROUPS = 50;
/** The budget scenario: a 60 s "hour" of 300 requests, 20 scopes holding 5 such windows' worth of pages. */
const BUDGET_SIZES = { scopes: 20, windowSeconds: 60, budget: 300, spike: 60, windows: 5, perPage: 20 };

function numbers(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  const parsed = value.split(',').map((part) => Number(part.trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`expected positive integers, got ${JSON.stringify(value)}`);
  return parsed;
}

const SCENARIOS = ['pull', 'push', 'planner', 'cold', 'webhooks', 'budget'] as const;
type Scenario = (typeof SCENARIOS)[number];

const HELP = `npm run bench [-- --only=${SCENARIOS.join(',')}]
  --only=LIST            run only these scenarios (default: all)
  BENCH_PULL_SIZES       records per pull scenario (default 10000,100000)
  BENCH_PULL_CPU_RUNS    runs of the pull worker's job per size; its CPU per record is their median (default 3)
  BENCH_PUSH_MESSAGES    messages per push scenario (default 1000)
  BENCH_COLD_ROUNDS      fresh processes per handler for cold starts (default 15)
  BENCH_PLANNER_PROJECTS projects the planner plans, x 4 project resources (default 250: 1,000 scopes)
  BENCH_WEBHOOK_POLL_PROJECTS projects of the 50 the webhooks scenario's polling day pulls for real (default 2)
  BENCH_CPU_PROF=DIR     the pull worker's processes write V8 CPU profiles (.cpuprofile) into DIR`;

function selectedScenarios(argv: string[]): Set<Scenario> | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  if (only === undefined) return new Set(SCENARIOS);
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  return new Set(names as Scenario[]);
}

async function main(): Promise<void> {
  const only = selectedScenarios(process.argv.slice(2));
  if (!only) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const startedAt = new Date();
  const pullSizes = only.has('pull') ? numbers(process.env.BENCH_PULL_SIZES, [10_000, 100_000]) : [];
  const [pushMessages] = numbers(process.env.BENCH_PUSH_MESSAGES, [1000]);
  const [pullCpuRuns] = numbers(process.env.BENCH_PULL_CPU_RUNS, [3]);
  const [coldRounds] = numbers(process.env.BENCH_COLD_ROUNDS, [15]);
  const [plannerProjects] = numbers(process.env.BENCH_PLANNER_PROJECTS, [250]);
  const [webhookPollProjects] = numbers(process.env.BENCH_WEBHOOK_POLL_PROJECTS, [2]);
  const progress = (line: string) => process.stderr.write(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)}s] ${line}\n`);

  let moto: MotoServer | undefined;
  let counter: AwsRequestCounter | undefined;
  let scenario: ConnectorScenario | undefined;
  const bundleDir = await mkdtemp(path.join(tmpdir(), 'connector-bench-'));
  try {
    progress('bundling handlers as the stack does');
    const bundles = await bundleAll(bundleDir, shippedTracing());

    progress('starting moto and the Procore simulator');
    moto = await startMotoServer();
    Object.assign(process.env, motoEnvironment(moto.endpoint));
    counter = await startAwsRequestCounter(moto.endpoint);
    scenario = await startConnectorScenario({
      simulator: {
        latencyMs: LATENCY_MS,
        rateLimit: RATE_BUDGET,
        maxPerPage: MAX_PER_PAGE,
        data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 5, resources: ['company_users', 'vendors', 'rfis'] },
      },
      logLevel: 'WARN',
      tracing: shippedTracing(),
    });
    const context: BenchContext = { scenario, counter, bundles, rateBudget: RATE_BUDGET, progress };

    const hostBaselineRssBytes = await measureHostBaseline(context, bundles.empty);
    const pull = await pullScenarios(context, pullSizes, pullCpuRuns!);
    const push = only.has('push') ? await pushScenarios(context, pushMessages!) : [];
    const planner = only.has('planner') ? [await plannerScenario(context, plannerProjects!)] : [];
    const coldStart = only.has('cold') ? await coldStartScenario(context, coldRounds!, shippedTracing(), bundleDir) : [];
    const webhooks = only.has('webhooks') ? await webhooksScenario(context, webhookPollProjects!) : undefined;
    const budget = only.has('budget') ? await measureBudgetSharing(BUDGET_SIZES, { latencyMs: LATENCY_MS }, progress) : undefined;

    const result: BenchResult = {
      version: 1,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      settings: {
        latencyMs: LATENCY_MS,
        rateBudget: RATE_BUDGET,
        maxPerPage: MAX_PER_PAGE,
        pushBatchSize: 10,
        coldStartRounds: coldRounds!,
        pullCpuRuns: pullCpuRuns!,
      },
      hostBaselineRssBytes,
      pull,
      push,
      planner,
      coldStart,
      webhooks,
      budget,
    };
    await writeResults(result, progress);
  } finally {
    await scenario?.close();
    await counter?.close();
    await moto?.stop();
    await rm(bundleDir, { recursive: true, force: true });
  }
}

/** The connector's handlers, by the name the bench reports them under. */
const HANDLER_ENTRIES = {
  'pull-worker': 'functions/pull/worker-handler.ts',
  push: 'functions/push/handler.ts',
  'pull-planner': 'functions/pull/planner-handler.ts',
  'webhook-receiver': 'functions/webhooks/receiver-handler.ts',
  'webhook-events': 'functions/webhooks/events-handler.ts',
} as const;

/** The references the handlers' cold starts are measured against (bench/cold-start/), by the name the bench reports them under. */
const REFERENCE_ENTRIES = {
  'reference (SDK clients + Logger)': 'bench/cold-start/reference-handler.ts',
  'reference (SQS + Secrets Manager + Logger)': 'bench/cold-start/reference-receiver-handler.ts',
} as const;

/** Every bundle the bench runs, the handlers bundled as a stage with `tracing` bundles them. */
async function bundleAll(bundleDir: string, tracing: TracingMode): Promise<BenchBundles> {
  const bundle = (name: string, entry: string) => bundleHandler(name, path.join(ROOT, entry), bundleDir, tracing);
  const handler = (name: keyof typeof HANDLER_ENTRIES) => bundle(name, HANDLER_ENTRIES[name]);
  const [worker, push, planner, receiver, events, empty, reference, referenceReceiver, pullParts] = await Promise.all([
    handler('pull-worker'),
    handler('push'),
    handler('pull-planner'),
    handler('webhook-receiver'),
    handler('webhook-events'),
    bundle('empty', 'bench/cold-start/empty-handler.ts'),
    bundle('reference (SDK clients + Logger)', REFERENCE_ENTRIES['reference (SDK clients + Logger)']),
    bundle('reference (SQS + Secrets Manager + Logger)', REFERENCE_ENTRIES['reference (SQS + Secrets Manager + Logger)']),
    bundle('pull-parts', 'bench/child/pull-parts-handler.ts'),
  ]);
  return { worker, push, planner, receiver, events, empty, reference, referenceReceiver, pullParts };
}

async function pullScenarios(context: BenchContext, sizes: number[], cpuRuns: number): Promise<BenchResult['pull']> {
  const pull: BenchResult['pull'] = [];
  // Each client also reads a project with no RFIs: its CPU is what a run costs whatever its size.
  const emptyProjectId = sizes.length > 0 ? seedPullProject(context, 0) : 0;
  const warmProjectId = sizes.length > 0 ? seedPullProject(context, WARM_UP_RECORDS) : 0;
  for (const records of sizes) {
    context.progress(`seeding ${records} RFIs in a project of their own`);
    const projects = { projectId: seedPullProject(context, records), emptyProjectId, warmProjectId };
    context.progress(`pull ${records}: connector worker`);
    const connector = await measureConnectorPull(context, projects, records, cpuRuns);
    context.progress(`pull ${records}: the worker's halves alone (Procore reads, SQS delivery)`);
    const parts = await measurePullParts(context, projects.projectId, records);
    context.progress(`pull ${records}: official SDK loop`);
    const sdk = await measureSdkPull(context, projects, records);
    pull.push({ records, idealRequests: Math.ceil(records / MAX_PER_PAGE), connector, parts, sdk });
  }
  return pull;
}

async function pushScenarios(context: BenchContext, messages: number): Promise<BenchResult['push']> {
  const { companyId, projectIds, sim } = context.scenario;
  const manager = sim.store.list('company_users', { companyId })[0];
  if (!manager || projectIds[0] === undefined) throw new Error('the simulator seeded no company user or project');
  context.progress(`push ${messages}: vendor upserts (/sync)`);
  const pushSync = await measurePush(context, 'sync-capable', 'vendors', vendorUpserts(companyId, messages));
  context.progress(`push ${messages}: RFI creates (one write each)`);
  const pushSingle = await measurePush(context, 'one-write-per-message', 'rfis', rfiCreates(companyId, projectIds[0], manager.id, messages));
  context.progress(`push ${messages}: vendor upserts on a FIFO queue over ${FIFO_GROUPS} message groups`);
  const pushFifo = await measureFifoPush(context, messages, FIFO_GROUPS);
  return [pushSync, pushSingle, pushFifo];
}

function plannerScenario(context: BenchContext, projects: number): Promise<PlannerMeasurement> {
  context.progress(`planner: ${projects} projects x 4 project resources`);
  return measurePlanner(context, projects);
}

function webhooksScenario(context: BenchContext, pollProjects: number): ReturnType<typeof measureWebhooksVsPolling> {
  context.progress('polling every 15 min vs webhooks + daily reconciliation');
  return measureWebhooksVsPolling(
    { projects: 50, recordsPerScope: 4, changePerHour: 0.01, pollMinutes: 15, hours: 24, pollProjects: pollProjects, workers: 4 },
    // The hourly budget runs on the simulator's clock (24 simulated hours); the spike window would
    // throttle periods the bench plays in seconds rather than minutes, so it is left out here.
    { latencyMs: LATENCY_MS, rateLimit: { hourly: RATE_BUDGET.hourly }, maxPerPage: MAX_PER_PAGE },
    context.progress,
  );
}

/** The tracing setting of the stage cdk.json deploys by default: the handlers get the environment the stack gives them. */
function shippedTracing(): TracingMode {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: { stage?: unknown; stages?: unknown } };
  return loadStageConfig(cdkJson.context).config.tracing;
}

async function coldStartScenario(context: BenchContext, rounds: number, tracing: TracingMode, bundleDir: string): Promise<BenchResult['coldStart']> {
  context.progress('cold starts');
  const { bundles, scenario } = context;
  // The webhook handlers read their environment on their first invocation (loadRuntime), not at
  // load: the worker's stands in for the consumer's, the receiver needs none to load but the
  // stack's tracing variable. The worker and the events consumer import the reference's clients and
  // no S3 client: their claim check sends signed requests (functions/commons/aws/s3-objects.ts).
  const handlers = [
    { bundle: bundles.planner, env: scenario.env.planner, reference: bundles.reference },
    { bundle: bundles.worker, env: scenario.env.worker, reference: bundles.reference },
    { bundle: bundles.push, env: scenario.env.push, reference: bundles.reference },
    { bundle: bundles.receiver, env: tracingEnvironment(tracing), reference: bundles.referenceReceiver },
    { bundle: bundles.events, env: scenario.env.worker, reference: bundles.reference },
  ];
  // Each handler again as a stage with tracing "subsegments" bundles and runs it: Powertools Tracer and the X-Ray SDK in the bundle and loaded,
  // against its reference bundled the same way (Tracer loaded, its clients captured: bench/cold-start/reference-tracing.ts).
  const entries: Record<string, string> = { ...HANDLER_ENTRIES, ...REFERENCE_ENTRIES };
  const tracedBundle = (bundle: Bundle) =>
    bundleHandler(`${bundle.name} (tracing: subsegments)`, path.join(ROOT, entries[bundle.name]!), path.join(bundleDir, 'subsegments'), 'subsegments');
  const [tracedReference, tracedReceiverReference] = await Promise.all([tracedBundle(bundles.reference), tracedBundle(bundles.referenceReceiver)]);
  const tracedReferences = new Map([
    [bundles.reference, tracedReference],
    [bundles.referenceReceiver, tracedReceiverReference],
  ]);
  const withSubsegments = await Promise.all(
    handlers.map(async ({ bundle, env, reference }) => ({
      bundle: await tracedBundle(bundle),
      env: { ...withoutTracing(env), ...tracingEnvironment('subsegments') },
      reference: tracedReferences.get(reference)!,
    })),
  );
  return measureColdStarts(bundles.empty, tracing === 'subsegments' ? handlers : [...handlers, ...withSubsegments], rounds);
}

/** `env` without the variables a tracing setting sets. */
function withoutTracing(env: Record<string, string>): Record<string, string> {
  const { POWERTOOLS_TRACE_ENABLED: _, ...rest } = env;
  return rest;
}

async function writeResults(result: BenchResult, progress: (line: string) => void): Promise<void> {
  const markdown = renderMarkdown(result);
  const resultsDir = path.join(ROOT, 'results');
  await mkdir(resultsDir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  await Promise.all([
    writeFile(path.join(resultsDir, `bench-${stamp}.json`), json),
    writeFile(path.join(resultsDir, 'bench-latest.json'), json),
    writeFile(path.join(resultsDir, `bench-${stamp}.md`), `${markdown}\n`),
    writeFile(path.join(resultsDir, 'bench-latest.md'), `${markdown}\n`),
  ]);
  process.stdout.write(`${markdown}\n`);
  progress(`results in results/bench-${stamp}.{md,json}`);
  // A push scenario whose writes carried an origin_id no message carried fails the bench (after its report is written).
  const foreignOrigins = result.push.filter((p) => p.originIds.foreign.length > 0);
  if (foreignOrigins.length > 0) throw new Error(foreignOrigins.map((p) => `push ${p.resource}: ${originIdAuditLine(p.originIds, 10)}`).join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
