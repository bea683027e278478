// Cold start of each bundled handler: its size, and the time to import it in a fresh Node process
// (median over several processes, rounds interleaved so machine noise hits every bundle alike),
// each as a ratio to its reference: a handler that imports the same AWS SDK clients and Powertools
// Logger and nothing else, bundled the same way (reference-handler.ts), the realistic floor. The
// references and an empty handler are rows of their own.
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Bundle } from '../../local/scenario/bundle-handlers';
import { median } from '../median';

const run = promisify(execFile);

export interface ColdStartRow {
  handler: string;
  bytes: number;
  loadMsMedian: number;
  samples: number[];
  /** The row the ratios are to: the handler's reference (a reference's own row: the empty handler). Ratios are medians of per-round ratios. */
  reference: string;
  sizeRatio: number;
  loadRatio: number;
  /** Median CPU time of the load, and its ratio to the reference's. */
  cpuMsMedian: number;
  cpuRatio: number;
}

export interface ColdStartSubject {
  bundle: Bundle;
  env: Record<string, string>;
  /** The reference bundle it is measured against (the empty handler's row when absent). */
  reference?: Bundle;
}

// Timed inside the fresh process: from just before the import to just after the module (and its
// module-scope clients) has loaded, as wall time and as the process's CPU time (user + system) in
// that span: on a shared machine the wall time carries other processes' load, the CPU time does not.
// The stack sets --enable-source-maps, so this does too.
const LOAD_SCRIPT = [
  'const started = performance.now();',
  'const cpu = process.cpuUsage();',
  'await import(process.env.BENCH_BUNDLE_URL);',
  'const used = process.cpuUsage(cpu);',
  'process.stdout.write(JSON.stringify({ loadMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }));',
].join('\n');

interface LoadSample {
  loadMs: number;
  cpuMs: number;
}

// Loaded as Lambda loads it: AWS_EXECUTION_ENV set, so whether a handler evaluates Powertools Tracer
// and the X-Ray SDK depends, as in the stack, on the POWERTOOLS_TRACE_ENABLED its subject's env has
// (lib/config/tracing-mode.ts: "false" unless the stage's tracing is "subsegments").
const LAMBDA_ENV = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' };

async function loadOnce(bundle: Bundle, env: Record<string, string>): Promise<LoadSample> {
  const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', LOAD_SCRIPT], {
    env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(bundle.file).href },
  });
  return JSON.parse(stdout) as LoadSample;
}

export async function measureColdStarts(empty: Bundle, handlers: ColdStartSubject[], rounds: number): Promise<ColdStartRow[]> {
  const references = [...new Map(handlers.flatMap((h) => (h.reference ? [[h.reference.name, h.reference] as const] : []))).values()];
  const all: ColdStartSubject[] = [
    { bundle: empty, env: {} },
    ...references.map((bundle) => ({ bundle, env: handlers.find((h) => h.reference === bundle)!.env, reference: empty })),
    ...handlers,
  ];
  const samples = all.map(() => [] as LoadSample[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, { bundle, env }] of all.entries()) {
      samples[index]!.push(await loadOnce(bundle, { ...LAMBDA_ENV, ...env }));
    }
  }
  const samplesOf = (name: string) => samples[all.findIndex((s) => s.bundle.name === name)]!;
  // A ratio is the median of the per-round ratios: a round's handler and reference loads run next
  // to each other, so a load change on the machine between rounds cancels out.
  const ratio = (taken: LoadSample[], reference: LoadSample[], of: keyof LoadSample) => median(taken.map((s, round) => s[of] / reference[round]![of]));
  return all.map(({ bundle, reference = empty }, index) => ({
    handler: bundle.name,
    bytes: bundle.bytes,
    loadMsMedian: median(samples[index]!.map((s) => s.loadMs)),
    samples: samples[index]!.map((s) => s.loadMs),
    reference: reference.name,
    sizeRatio: bundle.bytes / reference.bytes,
    loadRatio: ratio(samples[index]!, samplesOf(reference.name), 'loadMs'),
    cpuMsMedian: median(samples[index]!.map((s) => s.cpuMs)),
    cpuRatio: ratio(samples[index]!, samplesOf(reference.name), 'cpuMs'),
  }));
}
