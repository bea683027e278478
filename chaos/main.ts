// `npm run chaos`: the connector under faults, at the sizes, on loopback only (the Procore
// simulator and a moto server this run starts). Prints a table of counts and writes the full
// outcome to results/chaos-<iso>.json. Exit code 1 when a must-be count is off.
// `npm run chaos -- --fast` runs the small sizes `npm test` uses; `--only NAME` (pull, push,
// bad-input, webhooks) runs one scenario.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { motoEnvironment, startMotoServer } from '../local/moto-server';
import { prepareChaosDeps } from './deps';
import { chaosPassed, formatChaosTable, type ChaosResults } from './chaos-report';
import { runBadInputCorpus } from './scenarios/bad-input';
import { runPullChaos } from './scenarios/pull';
import { runPushChaos } from './scenarios/push';
import { runWebhookChaos } from './scenarios/webhooks';
import { FAST, FULL } from './sizes';

async function main(): Promise<number> {
  const sizes = process.argv.includes('--fast') ? FAST : FULL;
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  const runs = (name: string) => only === undefined || only === name;
  const started = Date.now();
  const moto = await startMotoServer();
  Object.assign(process.env, motoEnvironment(moto.endpoint));
  const deps = await prepareChaosDeps();
  const results: ChaosResults = {};
  try {
    const step = (name: string) => process.stderr.write(`chaos: ${name} (${Math.round((Date.now() - started) / 1000)} s)\n`);
    if (runs('bad-input')) {
      step('bad-input corpus');
      results.badInput = await runBadInputCorpus(sizes.badInput, deps);
    }
    if (runs('push')) {
      step(`push ${sizes.push.messages} messages`);
      results.push = await runPushChaos(sizes.push, deps);
    }
    if (runs('pull')) {
      step(`pull ${sizes.pull.records} records`);
      results.pull = await runPullChaos(sizes.pull, deps);
    }
    if (runs('webhooks')) {
      step(`webhooks ${sizes.webhooks.events} changes in ${sizes.webhooks.seconds} s`);
      results.webhooks = await runWebhookChaos(sizes.webhooks, deps);
    }
  } finally {
    await deps.dispose();
    await moto.stop();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`${formatChaosTable(results)}\n\ntotal: ${seconds} s\n`);
  const dir = path.resolve(__dirname, '../results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `chaos-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ sizes, seconds, results }, null, 2)}\n`);
  process.stdout.write(`full outcome: ${path.relative(process.cwd(), file)}\n`);
  return chaosPassed(results) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
