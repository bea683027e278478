// The operator CLI: dispatch to a command, turn failures into one clear line and an exit code.
import { checkCredentialsCommand } from './commands/check-credentials';
import { dlqCommand } from './commands/dlq';
import { manifestCommand } from './commands/manifest';
import { redriveCommand } from './commands/redrive';
import { syncCommand } from './commands/sync';
import { CliError, type CliIo, type Command } from './command';
import { keyValues } from './format';

export const COMMANDS: Command[] = [checkCredentialsCommand, dlqCommand, redriveCommand, syncCommand, manifestCommand];

export function usage(): string {
  return [
    'connector: operate the Procore DMSA connector',
    '',
    'Usage: npm run connector -- <command> [options]     (or: npx tsx cli/index.ts <command> ...)',
    '',
    'Commands:',
    keyValues(COMMANDS.map((c) => [`  ${c.name}`, c.summary])),
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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`connector: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
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
