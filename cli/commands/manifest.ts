import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadManifest, MANIFEST_PATH, manifestWarnings } from '../../app-manifest/manifest-schema';
import { checkManifestPermissions, requiredPermissions } from '../../app-manifest/permissions';
import { bumpManifestVersion } from '../../app-manifest/version';
import { listResources } from '../../functions/commons/resources/registry';
import { CliError, parseCommandArgs, UsageError, type CliIo, type Command } from '../command';
import { json, table } from '../format';

const LEVEL_LABEL = { read_only: 'Read-only', standard: 'Standard', admin: 'Admin' } as const;

const HELP = `connector manifest: the Procore app manifest (app-manifest/procore-app.json)

Usage:
  connector manifest permissions [--json]
  connector manifest check [--manifest FILE]
  connector manifest version <patch|minor|major|x.y.z> [--manifest FILE]

Subcommands:
  permissions   the company and project tool permissions the connector's resources need (the
                highest level per tool), derived from functions/commons/resources/registry.ts:
                enter exactly these in the Developer Portal's Permissions Builder
  check         compare the manifest with that list; exit 1 and list what is missing, narrower,
                broader than needed or not needed at all
  version       raise the manifest version (semantic x.y.z, must be higher) and print old → new;
                create the same version in the Developer Portal

Options:
  --manifest FILE   another manifest file (default app-manifest/procore-app.json)
  --json            machine-readable output (permissions)
  -h, --help        this help`;

export const manifestCommand: Command = {
  name: 'manifest',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.out(HELP);
      return sub === undefined ? 2 : 0;
    }
    const { values, positionals } = parseCommandArgs(
      `manifest ${sub}`,
      rest,
      { manifest: { type: 'string' }, json: { type: 'boolean' } },
      { positionals: sub === 'version' },
    );
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const file = values.manifest ? path.resolve(values.manifest) : MANIFEST_PATH;
    if (sub !== 'permissions' && !existsSync(file)) throw new CliError(`manifest ${sub}: no manifest at ${file}`);
    switch (sub) {
      case 'permissions':
        return printPermissions(io, Boolean(values.json));
      case 'check':
        return check(io, file);
      case 'version': {
        const [bump, extra] = positionals;
        if (!bump || extra !== undefined) throw new UsageError('manifest version: give exactly one of patch, minor, major or a version x.y.z');
        return version(io, bump, file);
      }
      default:
        throw new UsageError(`manifest: unknown subcommand "${sub}"; use permissions, check or version (see "connector manifest --help")`);
    }
  },
};

function printPermissions(io: CliIo, asJson: boolean): number {
  const required = requiredPermissions(listResources());
  if (asJson) {
    io.out(json(required));
    return 0;
  }
  const rows = [...required.company, ...required.project].map((p) => [p.scope, p.tool, LEVEL_LABEL[p.level], p.neededBy.join(', ')]);
  io.out(table(['SCOPE', 'TOOL', 'LEVEL', 'NEEDED BY'], rows));
  return 0;
}

function check(io: CliIo, file: string): number {
  const manifest = loadManifest(file);
  const problems = checkManifestPermissions(manifest, listResources());
  for (const warning of manifestWarnings(manifest)) io.err(`warning: ${warning}`);
  if (problems.length === 0) {
    io.out(`${path.relative(process.cwd(), file) || file} (version ${manifest.version}): tool permissions match what the connector needs.`);
    return 0;
  }
  io.out(`${file} (version ${manifest.version}) does not match the tool permissions the connector needs:`);
  for (const problem of problems) io.out(`  - ${problem}`);
  io.out('Fix the manifest (and the app in the Developer Portal), then bump its version: connector manifest version minor');
  return 1;
}

function version(io: CliIo, bump: string, file: string): number {
  let change: ReturnType<typeof bumpManifestVersion>;
  try {
    change = bumpManifestVersion(bump, file);
  } catch (error) {
    throw new CliError(`manifest version: ${(error as Error).message}`);
  }
  io.out(`${change.from} → ${change.to}`);
  return 0;
}
