// The bench's result: one JSON document (results/bench-<iso>.json and bench-latest.json) and the
// markdown tables printed to stdout and saved beside it.
import type { WebhookBenchResult } from './webhook-bench';
import { budgetLines, type BudgetBenchResult } from './budget-bench';
import { cpus, release, totalmem, type as osType } from 'node:os';
import type { ColdStartRow } from './cold-start/measure-cold-start';
import {
  cpuMicrosPerRecord,
  cpuMicrosPerRecordRuns,
  WARM_UP_RECORDS,
  warmUpCpuMicrosPerRecord,
  type ConnectorPullMeasurement,
  type PullMeasurement,
  type PullPartsMeasurement,
} from './pull-bench';
import type { PlannerMeasurement } from './planner-bench';
import type { PushMeasurement } from './push-bench';
import { originIdAuditLine } from '../simulator';

export interface Machine {
  os: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  node: string;
}

export interface PullComparison {
  records: number;
  /** ceil(records / the largest page Procore serves). */
  idealRequests: number;
  connector: ConnectorPullMeasurement;
  /** The worker's halves alone, in the same run. */
  parts: PullPartsMeasurement;
  sdk: PullMeasurement;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  durationMs: number;
  machine: Machine;
  settings: {
    latencyMs: { min: number; max: number };
    rateBudget: { hourly: number; spike: number; spikeWindowSeconds: number };
    maxPerPage: number;
    pushBatchSize: number;
    coldStartRounds: number;
    /** Runs of the pull worker's job per size, for its CPU per record (their median). */
    pullCpuRuns: number;
  };
  /** Peak RSS of an empty handler in the same host process: the floor under every peak RSS figure. */
  hostBaselineRssBytes: number;
  pull: PullComparison[];
  push: PushMeasurement[];
  planner: PlannerMeasurement[];
  coldStart: ColdStartRow[];
  /** Polling every 15 min against webhooks + daily reconciliation (bench/webhook-bench.ts). */
  webhooks?: WebhookBenchResult;
  /** The rate budget shared by the workers over a backlog larger than it (bench/budget-bench.ts). */
  budget?: BudgetBenchResult;
}

export function machineInfo(): Machine {
  const cores = cpus();
  return {
    os: `${osType()} ${release()}`,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    totalMemoryBytes: totalmem(),
    node: process.version,
  };
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? '1.00' : '∞') : fixed(a / b));

function pullRow(who: string, m: PullMeasurement, ideal: number, hourly: number, delivery: string): string {
  return `| ${who} | ${m.records.toLocaleString('en-US')} | ${m.procoreRequests} (ideal ${ideal}) | ${fixed(m.procoreRequests / ideal, 3)} | ${fixed((100 * m.procoreRequests) / hourly, 1)} % | ${m.rateLimited} | ${m.tokenRequests} | ${seconds(m.wallMs)} | ${mb(m.peakRssBytes)} | ${fixed(cpuMicrosPerRecord(m), 1)} | ${delivery} |`;
}

/** Wall time of the worker beside its two halves alone: 1.0 × the larger means reading and delivering fully overlap. */
function pipeliningTable(pulls: PullComparison[]): string[] {
  const lines = [
    '',
    '**Pull: reading and delivering overlapped** (the worker beside its halves alone in the same run: the same window walk reading only, the same delivery only)',
    '',
    '| records | worker wall s | Procore alone s | SQS delivery alone s | wall ÷ larger (target ≤ 1.2) | wall ÷ sum |',
    '|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { records, connector, parts } of pulls) {
    const larger = Math.max(parts.procoreMs, parts.sqsMs);
    lines.push(
      `| ${records.toLocaleString('en-US')} | ${seconds(connector.wallMs)} | ${seconds(parts.procoreMs)} | ${seconds(parts.sqsMs)} | ${ratio(connector.wallMs, larger)} | ${ratio(connector.wallMs, parts.procoreMs + parts.sqsMs)} |`,
    );
  }
  const cpu = pulls.flatMap(({ records, connector, parts }) => {
    const part = parts.cpuMicrosPerRecord;
    return part === undefined
      ? []
      : [
          `| ${records.toLocaleString('en-US')} | ${fixed(cpuMicrosPerRecord(connector), 1)} | ${cpuMicrosPerRecordRuns(connector)
            .map((run) => fixed(run, 1))
            .join(' / ')} | ${fixed(part.procore, 1)} | ${fixed(part.sqs, 1)} | ${fixed(part.sqsFloor, 1)} |`,
        ];
  });
  if (cpu.length === 0) return lines;
  return [
    ...lines,
    '',
    "**Pull CPU by part** (µs per record; the worker's: the median of its runs of the same job in one process, each run shown; each half once, in its own process; the floor: the same SendMessageBatch entries built beforehand, sent with the worker's own signed SendMessageBatch request and nothing else)",
    '',
    '| records | worker | worker, each run | reading alone | delivering alone | SendMessageBatch alone (floor) |',
    '|---:|---:|---|---:|---:|---:|',
    ...cpu,
  ];
}

/** The planner on a company of many projects: requests per scope planned, and its time against its timeout. */
function plannerTable(planners: PlannerMeasurement[]): string[] {
  if (planners.length === 0) return [];
  const lines = [
    '',
    '**Planner** (one company, every project × the project-scoped resources)',
    '',
    '| projects | scopes (jobs queued) | Procore requests/scope | DynamoDB requests/scope | SQS requests/scope | 429s | wall s | timeout s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const p of planners) {
    const per = (n: number) => fixed(n / Math.max(1, p.jobsQueued), 3);
    lines.push(
      `| ${p.projects} | ${p.jobsQueued} | ${per(p.procoreRequests)} | ${per(p.dynamoRequestTotal)} | ${per(p.sqsRequestTotal)} | ${p.rateLimited} | ${seconds(p.wallMs)} | ${seconds(p.timeoutMs)} |`,
    );
  }
  return lines;
}

export function renderMarkdown(result: BenchResult): string {
  const { settings, machine } = result;
  const lines: string[] = [];
  lines.push(
    `Simulator latency ${settings.latencyMs.min}–${settings.latencyMs.max} ms per call; rate budget ${settings.rateBudget.hourly}/hour and ${settings.rateBudget.spike} per ${settings.rateBudget.spikeWindowSeconds} s; largest page ${settings.maxPerPage}.`,
    '',
    '**Pull** (one scope, one sync job; the connector delivers every record to SQS, the SDK loop only reads)',
    '',
    '| client | records | Procore requests | ÷ ideal | hourly budget used | 429s | token requests | wall s | peak RSS MB | CPU µs/record | SQS requests/record delivered |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const p of result.pull) {
    const c = p.connector;
    const delivery = `${fixed(c.sqsRequestTotal / Math.max(1, c.delivered), 3)} (${c.delivered.toLocaleString('en-US')} delivered)`;
    lines.push(pullRow('connector', c, p.idealRequests, settings.rateBudget.hourly, delivery));
    lines.push(pullRow('official JS SDK loop', p.sdk, p.idealRequests, settings.rateBudget.hourly, '–'));
  }
  lines.push(
    '',
    `Peak RSS includes the host process itself: an empty handler in the same host peaks at ${fixed(result.hostBaselineRssBytes / 2 ** 20, 0)} MB (Node, the local host's TypeScript loader, the probe).`,
  );
  if (result.pull.length > 0) {
    lines.push(
      '',
      `CPU µs/record, in a warm container: (CPU time of the run's own process − that of the same run over a project with no RFIs) ÷ records (the connector's: the median of ${result.settings.pullCpuRuns} runs of the same job, see Pull CPU by part; the SDK loop's: one run), both after a pull of ${WARM_UP_RECORDS.toLocaleString('en-US')} RFIs in the same process (module load and a container's one-time start, V8 optimising the path a record takes included, are not counted; Lambda pays them once per container). That first pull, in a fresh process after module load: ${result.pull.map((p) => `${fixed(warmUpCpuMicrosPerRecord(p.connector), 1)} µs/record (connector) and ${fixed(warmUpCpuMicrosPerRecord(p.sdk), 1)} (SDK loop)`).join('; ')}. An empty run cost ${result.pull.map((p) => `${fixed(p.connector.emptyCpuMs, 0)} ms (connector) and ${fixed(p.sdk.emptyCpuMs, 0)} ms (SDK loop) beside ${p.records.toLocaleString('en-US')}`).join('; ')}.`,
    );
  }
  lines.push(
    '',
    '**Pull: official SDK loop ÷ connector**',
    '',
    '| records | requests | wall time | 429s | peak RSS | CPU |',
    '|---:|---:|---:|---:|---:|---:|',
  );
  for (const p of result.pull) {
    lines.push(
      `| ${p.records.toLocaleString('en-US')} | ${ratio(p.sdk.procoreRequests, p.connector.procoreRequests)} | ${ratio(p.sdk.wallMs, p.connector.wallMs)} | ${p.sdk.rateLimited} vs ${p.connector.rateLimited} | ${ratio(p.sdk.peakRssBytes, p.connector.peakRssBytes)} | ${ratio(cpuMicrosPerRecord(p.sdk), cpuMicrosPerRecord(p.connector))} |`,
    );
  }
  lines.push(...pipeliningTable(result.pull));
  lines.push(
    '',
    `**Push** (batches of ${settings.pushBatchSize}, the stack's default)`,
    '',
    '| resource | messages | applied | Procore requests/message | SQS requests/message | DynamoDB requests/message | 429s | token requests | wall s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const p of result.push) {
    const kind = p.fifo ? `${p.kind}, ${p.fifo.groups} groups, order kept in every group` : p.kind;
    lines.push(
      `| ${p.resource} (${kind}) | ${p.messages} | ${p.applied} | ${fixed(p.procoreRequests / p.messages, 3)} | ${fixed(p.sqsRequestTotal / p.messages, 3)} | ${fixed(p.dynamoRequestTotal / p.messages, 2)} | ${p.rateLimited} | ${p.tokenRequests} | ${seconds(p.wallMs)} |`,
    );
  }
  lines.push('', ...result.push.map((p) => `- ${p.resource} (${p.kind}): ${originIdAuditLine(p.originIds)}`));
  lines.push(...plannerTable(result.planner));
  lines.push(
    '',
    `**Cold start** (bundled as the stack bundles; module load in a fresh Node process with Lambda's AWS_EXECUTION_ENV and the environment the default stage's stack gives it (tracing as cdk.json sets it; rows "(tracing: subsegments)" with Powertools Tracer and the X-Ray SDK loaded), median of ${settings.coldStartRounds}; each handler against a reference importing the same AWS SDK clients and Powertools Logger, bundled the same way (with tracing "subsegments": Tracer loaded too, the clients captured as the handlers capture theirs); targets: bundle ≤ 800 KB, load ≤ 1.3 × reference)`,
    '',
    '| handler | bundle KB | load ms | load CPU ms | against | × size | × load | × load CPU |',
    '|---|---:|---:|---:|---|---:|---:|---:|',
  );
  for (const c of result.coldStart) {
    lines.push(
      `| ${c.handler} | ${(c.bytes / 1024).toFixed(1)} | ${fixed(c.loadMsMedian, 1)} | ${fixed(c.cpuMsMedian, 1)} | ${c.reference} | ${fixed(c.sizeRatio, 1)} | ${fixed(c.loadRatio, 2)} | ${fixed(c.cpuRatio, 2)} |`,
    );
  }
  if (result.webhooks) lines.push('', ...webhookLines(result.webhooks));
  if (result.budget) lines.push('', ...budgetLines(result.budget));
  lines.push(
    '',
    `Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${(machine.totalMemoryBytes / 1024 ** 3).toFixed(0)} GiB, ${machine.os}, Node ${machine.node}; bench run ${seconds(result.durationMs)} s on ${result.startedAt}. Absolute times vary between machines; the ratios are the point.`,
  );
  return lines.join('\n');
}

function webhookLines(w: WebhookBenchResult): string[] {
  const { sizes, polling: p, webhooks: h } = w;
  const latency = (l: { median: number; p95: number; max: number }) =>
    `${fixed(l.median / 1000, 2)} s (p95 ${fixed(l.p95 / 1000, 2)} s, max ${fixed(l.max / 1000, 2)} s)`;
  return [
    `**Change capture: polling every ${sizes.pollMinutes} min vs webhooks + daily reconciliation, ${sizes.hours} simulated hours each** (${sizes.projects} projects x ${w.resources.length - 1} project resources + vendors = ${w.scopes} scopes, ${w.records} records, ${w.changesPerHour} changes per hour = ${100 * sizes.changePerHour} %, ${w.changes} in the day)`,
    '',
    '| | Procore requests per hour: mean (busiest hour) | change to delivery: median | changes delivered | real time |',
    '|---|---:|---:|---:|---:|',
    `| polling: ${p.runs} real planner + worker periods over ${sizes.pollProjects} of the ${sizes.projects} projects + vendors (${p.measuredPerHour.mean} (${p.measuredPerHour.max}) per hour measured; project reads x ${fixed(sizes.projects / sizes.pollProjects, 1)}; 429s: ${p.rateLimited}) | ${p.requestsPerHour.mean} (${p.requestsPerHour.max}) | ${latency(p.latencyMs)} | ${p.changesDelivered} of the ${p.changesCovered} it covers | ${p.wallSeconds} s |`,
    `| webhooks: ${h.consumerRequests} targeted reads for ${h.events} events in ${h.consumerInvocations} consumer invocations + the reconciliation pull's ${h.reconcileRequests} | ${h.requestsPerHour.mean} (${h.requestsPerHour.max}) | ${latency(h.latencyMs)} | ${h.changesDelivered} of ${w.changes} | ${h.wallSeconds} s |`,
    '',
    `Webhooks need ${fixed(w.reduction, 1)}x fewer Procore requests per hour (goal: at least 10x); median change-to-delivery ${fixed(h.latencyMs.median / 1000, 2)} s (goal: under 10 s). The reconciliation pull delivered ${h.reconcileEnvelopes} records, ${h.reconcileAlreadyDelivered} of them already delivered by webhook in the same state.`,
  ];
}
