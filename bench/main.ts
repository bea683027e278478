// npm run bench: the connector measured on the Procore simulator (realistic latency, a rate budget)
// and moto, each scenario beside its baseline in the same run. Prints markdown tables and writes
// results/bench-<iso>.{md,json} and results/bench-latest.{md,json}.
// Exits 1 when a push scenario's Procore writes carried an origin_id no message carried.
// Knobs (for quick runs): BENCH_PULL_SIZES=10000,100000  BENCH_PUSH_MESSAGES=1000  BENCH_COLD_ROUNDS=7
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { motoEnvironment, startMotoServer, type MotoServer } from '../local/moto-server';
import { startConnectorScenario, type ConnectorScenario } from '../local/scenario/connector-scenario';
import { startAwsRequestCounter, type AwsRequestCounter } from './aws-request-counter';
import type { BenchContext } from './bench-context';
import { bundleHandler } from '../local/scenario/bundle-handlers';
import { measureColdStarts } from './cold-start/measure-cold-start';
import { measureConnectorPull, measureHostBaseline, measureSdkPull, seedPullProject } from './pull-bench';
import { measurePush, rfiCreates, vendorUpserts } from './push-bench';
import { machineInfo, renderMarkdown, type BenchResult } from './bench-report';
import { originIdAuditLine } from '../simulator';

const ROOT = path.resolve(__dirname, '..');
const LATENCY_MS = { min: 40, max: 80 };
// Procore's old documented default hourly budget, and a spike window a serial client can outrun.
const RATE_BUDGET = { hourly: 3600, spike: 100, spikeWindowSeconds: 10 };
const MAX_PER_PAGE = 1000;

function numbers(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  const parsed = value.split(',').map((part) => Number(part.trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`expected positive integers, got ${JSON.stringify(value)}`);
  return parsed;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const pullSizes = numbers(process.env.BENCH_PULL_SIZES, [10_000, 100_000]);
  const [pushMessages] = numbers(process.env.BENCH_PUSH_MESSAGES, [1000]);
  const [coldRounds] = numbers(process.env.BENCH_COLD_ROUNDS, [7]);
  const progress = (line: string) => process.stderr.write(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)}s] ${line}\n`);

  let moto: MotoServer | undefined;
  let counter: AwsRequestCounter | undefined;
  let scenario: ConnectorScenario | undefined;
  const bundleDir = await mkdtemp(path.join(tmpdir(), 'connector-bench-'));
  try {
    progress('bundling handlers as the stack does');
    const [worker, push, planner, empty] = await Promise.all([
      bundleHandler('pull-worker', path.join(ROOT, 'functions/pull/worker-handler.ts'), bundleDir),
      bundleHandler('push', path.join(ROOT, 'functions/push/handler.ts'), bundleDir),
      bundleHandler('pull-planner', path.join(ROOT, 'functions/pull/planner-handler.ts'), bundleDir),
      bundleHandler('empty', path.join(__dirname, 'cold-start/empty-handler.ts'), bundleDir),
    ]);

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
    });
    const context: BenchContext = { scenario, counter, bundles: { worker, push }, rateBudget: RATE_BUDGET, progress };

    const hostBaselineRssBytes = await measureHostBaseline(context, empty);
    const pull: BenchResult['pull'] = [];
    for (const records of pullSizes) {
      progress(`seeding ${records} RFIs in a project of their own`);
      const projectId = seedPullProject(context, records);
      progress(`pull ${records}: connector worker`);
      const connector = await measureConnectorPull(context, projectId, records);
      progress(`pull ${records}: official SDK loop`);
      const sdk = await measureSdkPull(context, projectId, records);
      pull.push({ records, idealRequests: Math.ceil(records / MAX_PER_PAGE), connector, sdk });
    }

    const { companyId, projectIds, sim } = scenario;
    const manager = sim.store.list('company_users', { companyId })[0];
    if (!manager || projectIds[0] === undefined) throw new Error('the simulator seeded no company user or project');
    progress(`push ${pushMessages}: vendor upserts (/sync)`);
    const pushSync = await measurePush(context, 'sync-capable', 'vendors', vendorUpserts(companyId, pushMessages!));
    progress(`push ${pushMessages}: RFI creates (one write each)`);
    const pushSingle = await measurePush(context, 'one-write-per-message', 'rfis', rfiCreates(companyId, projectIds[0], manager.id, pushMessages!));

    progress('cold starts');
    const coldStart = await measureColdStarts(
      empty,
      [
        { bundle: planner, env: scenario.env.planner },
        { bundle: worker, env: scenario.env.worker },
        { bundle: push, env: scenario.env.push },
      ],
      coldRounds!,
    );

    const result: BenchResult = {
      version: 1,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      settings: { latencyMs: LATENCY_MS, rateBudget: RATE_BUDGET, maxPerPage: MAX_PER_PAGE, pushBatchSize: 10, coldStartRounds: coldRounds! },
      hostBaselineRssBytes,
      pull,
      push: [pushSync, pushSingle],
      coldStart,
    };
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
  } finally {
    await scenario?.close();
    await counter?.close();
    await moto?.stop();
    await rm(bundleDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
