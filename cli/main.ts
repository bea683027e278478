// The operator CLI: dispatch to a command, turn failures into one clear line and an exit code.
import { CliError, type CliIo, type Command } from './command';
import { keyValues } from './format';

/** Each command's one-line summary, in the order usage lists them. */
const SUMMARIES = {
  'check-credentials': 'get a token, list installed companies, permitted projects and whether each tool answers',
  dlq: 'dlq inspect: list dead-lettered messages with their failure reasons and counts by class',
  redrive: 'move dead-lettered messages back to their source queue (all, by error class, or --max N)',
  sync: 'start a pull of one scope now by enqueuing a sync job; --full resets its cursor first',
  status: 'where each sync scope of a company stands: cursor, last pull, job in progress, last failure',
  webhooks: "webhooks plan | apply | status: make Procore's hooks and triggers match the stage config; recent deliveries",
  manifest: 'manifest permissions | check | version: the Procore app manifest and its tool permissions',
} as const;

type CommandName = keyof typeof SUMMARIES;

/** Loaded on use: each command pulls in its own SDK clients, which take a while to load. */
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  'check-credentials': async () => (await import('./commands/check-credentials')).checkCredentialsCommand,
  dlq: async () => (await import('./commands/dlq')).dlqCommand,
  redrive: async () => (await import('./commands/redrive')).redriveCommand,
  sync: async () => (await import('./commands/sync')).syncCommand,
  status: async () => (await import('./commands/status')).statusCommand,
  webhooks: async () => (await import('./commands/webhooks')).webhooksCommand,
  manifest: async () => (await import('./commands/manifest')).manifestCommand,
};

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(SUMMARIES, name);
}

function usage(): string {
  return [
    'connector: operate the Procore DMSA connector',
    '',
    'Usage: npm run connector -- <command> [options]     (or: npx tsx cli/index.ts <command> ...)',
    '',
    'Commands:',
    keyValues(Object.entries(SUMMARIES).map(([name, summary]) => [`  ${name}`, summary])),
    '',
    'Run "connector <command> --help" for its options. AWS access comes from the usual AWS_PROFILE /',
    'AWS_REGION / credentials chain (AWS_ENDPOINT_URL for a local emulator).',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (!isCommandName(name)) {
    io.err(`connector: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await LOADERS[name]();
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    // AWS SDK and Procore errors name what failed; a stack trace only with CONNECTOR_DEBUG=1.
    io.err(`connector ${name}: ${err.name}: ${err.message}`);
    if (process.env.CONNECTOR_DEBUG) io.err(err.stack ?? '');
    return 1;
  }
}
