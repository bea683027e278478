// `npm start`: the connector end to end on this machine (see HELP in options.ts).
// Exit codes: 0 success, 1 the run found a problem or failed, 2 wrong usage, 130/143 interrupted.
import { writeFileSync } from 'node:fs';
import { HELP, parseStartOptions, StartUsageError, type StartOptions } from './options';
import { createProgress } from './progress';
import { Cleanup, runLocal } from './run-local';
import { formatSummary, type StartSummary } from './summary';

const FUNCTION_LOG_TAIL = 30;

async function main(argv: string[]): Promise<number> {
  let options: StartOptions;
  try {
    options = parseStartOptions(argv);
  } catch (error) {
    if (!(error instanceof StartUsageError)) throw error;
    process.stderr.write(`npm start: ${error.message}\n\n${HELP}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  const write = (line: string) => process.stdout.write(`${line}\n`);
  const progress = createProgress(write);
  const logs = new Map<string, string[]>();
  const functionLog = (fn: string, line: string) => {
    const lines = logs.get(fn) ?? [];
    lines.push(line);
    if (lines.length > FUNCTION_LOG_TAIL) lines.shift();
    logs.set(fn, lines);
    if (options.verbose) write(`    ${fn} | ${line}`);
  };

  const cleanup = new Cleanup();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nnpm start: ${signal}: stopping what the run started...\n`);
    void cleanup.run().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));

  let summary: StartSummary;
  try {
    if (options.aws) {
      const { runAgainstAws } = await import('./run-aws');
      summary = await runAgainstAws(options, { progress, functionLog }, cleanup);
    } else {
      summary = await runLocal(options, { progress, functionLog }, cleanup);
    }
  } catch (error) {
    process.stderr.write(`\nnpm start FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    for (const [fn, lines] of logs) process.stderr.write(`\nlast log lines of ${fn}:\n${lines.join('\n')}\n`);
    return 1;
  } finally {
    progress.step('stopping function hosts, the simulator and moto');
    await cleanup.run();
  }
  write(formatSummary(summary));
  if (options.json) writeFileSync(options.json, JSON.stringify(summary, null, 2));
  if (summary.problems.length > 0) {
    for (const [fn, lines] of logs) process.stderr.write(`\nlast log lines of ${fn}:\n${lines.join('\n')}\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
