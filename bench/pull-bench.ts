// Pull scenarios: the connector's real pull worker (bundled, in its own process) reading N records
// of one scope through one sync job, beside the worker's two halves alone (Procore reads only, SQS
// delivery only) and the official SDK's page loop over the same records in the same simulator.
// Each starts with fresh rate-limit windows.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startFunctionHost, type FunctionHost } from '../local/function-host';
import type { Bundle } from '../local/scenario/bundle-handlers';
import { RESOURCES } from '../simulator';
import { mulberry32 } from '../simulator/prng';
import type { SyncJob } from '../functions/pull/sync-job';
import { median } from './median';
import { countedEnv, drain, freshStart, restRequests, sqsRequests, type BenchContext } from './bench-context';
import type { ChildUsage } from './child/resource-usage';
import { USAGE_PROBE } from './child/resource-usage';
import type { PullPartsEvent, PullPartsResult } from './child/pull-parts-handler';
import type { SdkPullResult } from './child/sdk-pull-handler';
import { WORKER_MEMORY_MB, WORKER_TIMEOUT_SECONDS } from '../lib/constructs/pull-pipeline';

const MEASURED_HANDLER = path.join(__dirname, 'child', 'measured-handler.ts');
const SDK_HANDLER = path.join(__dirname, 'child', 'sdk-pull-handler.ts');

export interface PullMeasurement {
  records: number;
  procoreRequests: number;
  rateLimited: number;
  tokenRequests: number;
  wallMs: number;
  peakRssBytes: number;
  /** CPU time of the process over the run (the connector's: the median over its runs). */
  cpuMs: number;
  /** CPU time of the same run over an empty project, in the same process once warm (see cpuMicrosPerRecord). */
  emptyCpuMs: number;
  /** CPU time of the process's first pull (WARM_UP_RECORDS records), module load excluded, the container's first secret and token included. */
  warmUpCpuMs: number;
}

/**
 * Records each measured process pulls before its CPU per record is measured: V8 optimises the path a
 * record takes over the first tens of thousands (seven runs of a 10,000-record job in one worker
 * process, after one page: 98, 90, 83, 77, 79, 80, 77 µs/record), so a record's cost in a container
 * that has been pulling is measured after this many, and a fresh container's first ones are shown apart.
 */
export const WARM_UP_RECORDS = 30_000;

/** CPU per record in a warm container: (CPU of the run − CPU of the same run over an empty project) ÷
 *  records. Both runs follow a pull of WARM_UP_RECORDS in the same process, so neither counts what a
 *  container pays once (the secret, the token, the SDK clients' first calls, V8 optimising the path),
 *  and the difference leaves out what every job pays whatever its size. */
export function cpuMicrosPerRecord(m: PullMeasurement): number {
  return (1000 * (m.cpuMs - m.emptyCpuMs)) / m.records;
}

/** The same, for each of the connector's runs. */
export function cpuMicrosPerRecordRuns(m: ConnectorPullMeasurement): number[] {
  return m.cpuMsRuns.map((cpuMs) => cpuMicrosPerRecord({ ...m, cpuMs }));
}

/** CPU per record of a fresh container's first pull (WARM_UP_RECORDS records). */
export function warmUpCpuMicrosPerRecord(m: PullMeasurement): number {
  return (1000 * m.warmUpCpuMs) / WARM_UP_RECORDS;
}

/** `run` in `host`'s process: what it returned, its wall time, the process's CPU ms over it and the process's peak RSS after it. */
async function measuredRun<T>(host: FunctionHost, run: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number; peakRssBytes: number }> {
  const before = await host.invoke<ChildUsage>(USAGE_PROBE);
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const after = await host.invoke<ChildUsage>(USAGE_PROBE);
  return { result, wallMs, cpuMs: (after.cpuMicros - before.cpuMicros) / 1000, peakRssBytes: after.maxRssBytes };
}

/** In a fresh process: `warm` (a pull of WARM_UP_RECORDS), then `empty` twice; the CPU ms of the pull and of the second empty run. */
async function warmUp(
  context: BenchContext,
  host: FunctionHost,
  warm: () => Promise<unknown>,
  empty: () => Promise<unknown>,
): Promise<Pick<PullMeasurement, 'emptyCpuMs' | 'warmUpCpuMs'>> {
  freshStart(context);
  const warmUpCpuMs = (await measuredRun(host, warm)).cpuMs;
  await empty();
  return { warmUpCpuMs, emptyCpuMs: (await measuredRun(host, empty)).cpuMs };
}

export interface ConnectorPullMeasurement extends PullMeasurement {
  /** CPU ms of each run of the same job in the same process (the first is the one every other figure is from); cpuMs is their median. */
  cpuMsRuns: number[];
  /** SQS requests the worker made, by operation. */
  sqsRequests: Record<string, number>;
  sqsRequestTotal: number;
  /** ApproximateNumberOfMessages on the records queue afterwards. */
  delivered: number;
  invocations: number;
}

/** A project of its own holding `count` RFIs made by the simulator's own fake generator. */
export function seedPullProject(context: BenchContext, count: number): number {
  const { sim, companyId } = context.scenario;
  const company = sim.store.company(companyId)!;
  const project = sim.store.insert('projects', { companyId }, { name: `Bench ${count} RFIs`, active: true });
  const random = mulberry32(count);
  const userIds = sim.store.list('company_users', { companyId }).map((u) => u.id);
  for (let index = 1; index <= count; index++) {
    const fields = RESOURCES.rfis.fake({ random, index, companyId, companyName: company.name, projectId: project.id, userIds });
    sim.store.insert('rfis', { companyId, projectId: project.id }, fields);
  }
  return project.id;
}

/** Peak RSS of an empty handler in the same kind of host process: what every row's RSS starts from
 *  (Node, the local host's loader, the probe), so the connector's own share can be read off. */
export async function measureHostBaseline(context: BenchContext, empty: Bundle): Promise<number> {
  const host = await startFunctionHost({
    entry: MEASURED_HANDLER,
    env: countedEnv(context, {}, empty),
    functionName: 'empty',
    timeoutMs: 60_000,
    memoryMb: WORKER_MEMORY_MB,
  });
  try {
    return (await host.invoke<ChildUsage>(USAGE_PROBE)).maxRssBytes;
  } finally {
    await host.close();
  }
}

/** BENCH_CPU_PROF=<dir>: each worker process writes a V8 CPU profile there when it ends (node --cpu-prof). */
function cpuProfileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** A bundle run as the worker runs: its environment, its timeout, its AWS calls counted. */
function workerHost(context: BenchContext, bundle: Bundle, memoryMb: number): Promise<FunctionHost> {
  return startFunctionHost({
    entry: MEASURED_HANDLER,
    env: countedEnv(context, context.scenario.env.worker, bundle),
    functionName: bundle.name,
    timeoutMs: WORKER_TIMEOUT_SECONDS * 1000,
    memoryMb,
    nodeFlags: cpuProfileFlags(),
  });
}

export async function measureConnectorPull(
  context: BenchContext,
  projects: { projectId: number; emptyProjectId: number; warmProjectId: number },
  records: number,
  cpuRuns: number,
): Promise<ConnectorPullMeasurement> {
  const { scenario } = context;
  const { projectId, emptyProjectId, warmProjectId } = projects;
  const host = await workerHost(context, context.bundles.worker, WORKER_MEMORY_MB);
  /** One sync job over the project, played until the jobs queue is empty; the invocations it took. */
  const pullOf =
    (project: number, count = 0) =>
    async () => {
      const job = benchJob(scenario.companyId, project, count);
      await scenario.sqs.send(new SendMessageCommand({ QueueUrl: scenario.queues.jobs.url, MessageBody: JSON.stringify(job) }));
      return drainJobs(context, host);
    };
  const purgeRecords = () => scenario.sqs.send(new PurgeQueueCommand({ QueueUrl: scenario.queues.records.url }));
  const measured = () => {
    freshStart(context);
    return measuredRun(host, pullOf(projectId, records));
  };
  try {
    const warm = await warmUp(
      context,
      host,
      async () => {
        await pullOf(warmProjectId)();
        await purgeRecords();
      },
      pullOf(emptyProjectId),
    );
    const first = await measured();
    const requests = { ...restRequests(context), ...sqsRequests(context) };
    const { Attributes } = await scenario.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: scenario.queues.records.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    await purgeRecords();
    // The same job again (a full resync reads the whole project each time), for its CPU only.
    const cpuMsRuns = [first.cpuMs];
    while (cpuMsRuns.length < cpuRuns) {
      cpuMsRuns.push((await measured()).cpuMs);
      await purgeRecords();
    }
    return {
      records,
      ...requests,
      wallMs: first.wallMs,
      peakRssBytes: first.peakRssBytes,
      cpuMs: median(cpuMsRuns),
      cpuMsRuns,
      ...warm,
      delivered: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      invocations: first.result,
    };
  } finally {
    await host.close();
  }
}

/** The worker's two halves alone, in the same run: Procore reads only, then SQS delivery only (bench/child/pull-parts-handler.ts). */
export interface PullPartsMeasurement {
  /** The same window walk reading the same records, nothing delivered. */
  procoreMs: number;
  procoreRequests: number;
  /** The same delivery of what was read, page by page, no Procore. */
  sqsMs: number;
  /** CPU µs per record of each part in its own process: reading (the first part, so with the
   *  container's first token and secret), delivering (envelopes, messages, SendMessageBatch), and the
   *  same SendMessageBatch entries built beforehand and sent with the worker's SendMessageBatch request alone. */
  cpuMicrosPerRecord?: { procore: number; sqs: number; sqsFloor: number };
}

export async function measurePullParts(context: BenchContext, projectId: number, records: number): Promise<PullPartsMeasurement> {
  const { scenario } = context;
  // The read records are held between the two halves: room for them, the halves' speed is unchanged.
  const host = await workerHost(context, context.bundles.pullParts, Math.max(WORKER_MEMORY_MB, Math.ceil(records / 100_000) * 2048));
  try {
    const job = benchJob(scenario.companyId, projectId, records);
    freshStart(context);
    const timed = async (part: PullPartsEvent['part']) => {
      const started = performance.now();
      const result = await host.invoke<PullPartsResult>({ part, job } satisfies PullPartsEvent);
      if (result.records !== records) throw new Error(`the ${part} half handled ${result.records} records, expected ${records}`);
      return { ms: performance.now() - started, cpuMicrosPerRecord: result.cpuMicros / records };
    };
    const procore = await timed('procore');
    const { procoreRequests } = restRequests(context);
    const sqs = await timed('sqs');
    await scenario.sqs.send(new PurgeQueueCommand({ QueueUrl: scenario.queues.records.url }));
    const sqsFloor = await timed('sqs-floor');
    await scenario.sqs.send(new PurgeQueueCommand({ QueueUrl: scenario.queues.records.url }));
    return {
      procoreMs: procore.ms,
      procoreRequests,
      sqsMs: sqs.ms,
      cpuMicrosPerRecord: { procore: procore.cpuMicrosPerRecord, sqs: sqs.cpuMicrosPerRecord, sqsFloor: sqsFloor.cpuMicrosPerRecord },
    };
  } finally {
    await host.close();
  }
}

function benchJob(companyId: number, projectId: number, records: number): SyncJob {
  return {
    version: 1,
    jobId: `bench-${records}-${randomUUID().slice(0, 8)}`,
    companyId,
    projectId,
    resource: 'rfis',
    windowEnd: new Date(Date.now() + 1000).toISOString(),
    full: true,
  };
}

/** The event source mapping, played: one job per invocation (batch size 1, as in the stack), continuations included. */
function drainJobs(context: BenchContext, host: FunctionHost): Promise<number> {
  return drain(context, host, {
    what: 'sync jobs',
    queue: context.scenario.queues.jobs,
    batchSize: 1,
    maxDurationMs: 30 * 60_000,
    onBatch: (batch) => {
      // A failed job would only come back after the queue's visibility timeout: stop at once instead.
      if (batch.failed > 0) throw new Error(`the pull worker failed its job:\n${host.output().slice(-2000)}`);
    },
  });
}

export async function measureSdkPull(
  context: BenchContext,
  projects: { projectId: number; emptyProjectId: number; warmProjectId: number },
  records: number,
): Promise<PullMeasurement> {
  const { projectId, emptyProjectId, warmProjectId } = projects;
  const { scenario } = context;
  const host = await startFunctionHost({
    entry: SDK_HANDLER,
    env: {
      PROCORE_LOGIN_URL: scenario.sim.loginUrl,
      PROCORE_API_URL: scenario.sim.apiUrl,
      PROCORE_CLIENT_ID: scenario.sim.clientId,
      PROCORE_CLIENT_SECRET: scenario.sim.clientSecret,
    },
    functionName: 'sdk-baseline',
    timeoutMs: 900_000,
    memoryMb: WORKER_MEMORY_MB, // the same room as the connector's worker
  });
  try {
    const warm = await warmUp(
      context,
      host,
      () => host.invoke<SdkPullResult>({ companyId: scenario.companyId, projectId: warmProjectId }),
      () => host.invoke<SdkPullResult>({ companyId: scenario.companyId, projectId: emptyProjectId }),
    );
    freshStart(context);
    const { result, wallMs, cpuMs, peakRssBytes } = await measuredRun(host, () => host.invoke<SdkPullResult>({ companyId: scenario.companyId, projectId }));
    if (result.records !== records) throw new Error(`the SDK baseline read ${result.records} records, expected ${records}`);
    return { records, ...restRequests(context), wallMs, peakRssBytes, cpuMs, ...warm };
  } finally {
    await host.close();
  }
}
