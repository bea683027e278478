// Cold start of each bundled handler: its size, and the time to import it in a fresh Node process
// (median over several processes, rounds interleaved so machine noise hits every handler alike),
// each as a ratio to an empty handler bundled the same way.
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Bundle } from '../../local/scenario/bundle-handlers';

const run = promisify(execFile);

export interface ColdStartRow {
  handler: string;
  bytes: number;
  sizeRatio: number;
  loadMsMedian: number;
  loadRatio: number;
  samples: number[];
}

// Timed inside the fresh process: from just before the import to just after the module (and its
// module-scope clients) has loaded. The stack sets --enable-source-maps, so this does too.
const LOAD_SCRIPT = [
  'const started = performance.now();',
  'await import(process.env.BENCH_BUNDLE_URL);',
  'process.stdout.write(JSON.stringify({ loadMs: performance.now() - started }));',
].join('\n');

async function loadOnce(bundle: Bundle, env: Record<string, string>): Promise<number> {
  const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', LOAD_SCRIPT], {
    env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(bundle.file).href },
  });
  return (JSON.parse(stdout) as { loadMs: number }).loadMs;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function measureColdStarts(
  empty: Bundle,
  handlers: Array<{ bundle: Bundle; env: Record<string, string> }>,
  rounds: number,
): Promise<ColdStartRow[]> {
  const all = [{ bundle: empty, env: {} as Record<string, string> }, ...handlers];
  const samples = all.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, { bundle, env }] of all.entries()) {
      samples[index]!.push(await loadOnce(bundle, { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...env }));
    }
  }
  const emptyMs = median(samples[0]!);
  return all.map(({ bundle }, index) => ({
    handler: bundle.name,
    bytes: bundle.bytes,
    sizeRatio: bundle.bytes / empty.bytes,
    loadMsMedian: median(samples[index]!),
    loadRatio: median(samples[index]!) / emptyMs,
    samples: samples[index]!,
  }));
}
