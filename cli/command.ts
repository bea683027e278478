// The shape every CLI command shares: a name, a one-line summary, a help text, and run() that
// returns an exit code. Output goes through CliIo so tests can run a command in-process.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export interface Command {
  name: string;
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A mistake the operator can fix (bad flag, missing value, refused change). Printed without a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Wrong usage: exit code 2, like most Unix tools. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs with the CLI's conventions: strict, --help on every command, and errors that say
 * which flag was wrong and point at --help.
 */
function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, config: { positionals?: boolean } = {}) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: config.positionals ?? false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^TypeError \[\w+\]: /, '') : String(error);
    throw new UsageError(`${command}: ${message}\nRun "connector ${command} --help" for the options.`);
  }
}

type Parsed<O extends Options> = ReturnType<typeof parseCommandArgs<O>>;

export interface CommandSpec<O extends Options> {
  /** As usage errors name it: `redrive`, `dlq inspect`. */
  name: string;
  help: string;
  /** Its flags besides -h/--help. */
  options: O;
  positionals?: boolean;
  run(args: Parsed<O>, io: CliIo): Promise<number>;
}

/** A command whose flags are parsed by parseCommandArgs; -h/--help prints its help and exits 0 before `run`. */
export function defineCommand<O extends Options>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    help: spec.help,
    async run(argv, io) {
      const args = parseCommandArgs(spec.name, argv, spec.options, { positionals: spec.positionals ?? false });
      if ((args.values as { help?: boolean }).help) {
        io.out(spec.help);
        return 0;
      }
      return spec.run(args, io);
    },
  };
}

/**
 * A command made of subcommands (`connector dlq inspect`): alone it prints its help and exits 2,
 * with -h/--help exits 0; an unknown subcommand is a usage error worded by `unknown`.
 */
export function withSubcommands(spec: { name: string; help: string; subcommands: Record<string, Command>; unknown: (sub: string) => string }): Command {
  return {
    name: spec.name,
    help: spec.help,
    async run(argv, io) {
      const [sub, ...rest] = argv;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        io.out(spec.help);
        return sub === undefined ? 2 : 0;
      }
      const subcommand = Object.hasOwn(spec.subcommands, sub) ? spec.subcommands[sub] : undefined;
      if (!subcommand) throw new UsageError(spec.unknown(sub));
      return subcommand.run(rest, io);
    },
  };
}

export function requireOption(command: string, value: string | undefined, flag: string, why: string): string {
  if (value === undefined || value === '') throw new UsageError(`${command}: ${flag} is required (${why})`);
  return value;
}

/** A positive integer flag, e.g. --max 50. */
export function intOption(command: string, value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new UsageError(`${command}: ${flag} must be a positive whole number (got "${value}")`);
  }
  return parsed;
}

/** A Procore id flag (positive, exact in a JS number). */
export function idOption(command: string, value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) <= 0) {
    throw new UsageError(`${command}: ${flag} must be a Procore id, a positive whole number (got "${value}")`);
  }
  return Number(value);
}
