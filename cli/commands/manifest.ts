import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadManifest, MANIFEST_PATH, manifestWarnings } from '../../app-manifest/manifest-schema';
import { checkManifestPermissions, connectorPermissionNeeds, requiredPermissions } from '../../app-manifest/permissions';
import { bumpManifestVersion } from '../../app-manifest/version';
import { listResources } from '../../functions/commons/resources/registry';
import { CliError, defineCommand, UsageError, withSubcommands, type CliIo, type Command } from '../command';
import { json, table } from '../format';
import { readStageConfig, webhooksEnabledInAnyStage } from '../stage';

const LEVEL_LABEL = { read_only: 'Read-only', standard: 'Standard', admin: 'Admin' } as const;

const HELP = `connector manifest: the Procore app manifest (app-manifest/procore-app.json)

Usage:
  connector manifest permissions [--stage S] [--json]
  connector manifest check [--stage S] [--manifest FILE]
  connector manifest version <patch|minor|major|x.y.z> [--manifest FILE]

Subcommands:
  permissions   the company and project tool permissions the connector's resources need (the
                highest level per tool), derived from functions/commons/resources/registry.ts,
                plus "Webhooks API" (Standard, company) when a stage in cdk.json enables webhooks:
                enter exactly these in the Developer Portal's Permissions Builder
  check         compare the manifest with that list; exit 1 and list what is missing, narrower,
                broader than needed or not needed at all
  version       raise the manifest version (semantic x.y.z, must be higher) and print old → new;
                create the same version in the Developer Portal

Options:
  --stage S         also the resources stage S declares in cdk.json (stages.S.resources)
  --manifest FILE   another manifest file (default app-manifest/procore-app.json)
  --json            machine-readable output (permissions)
  -h, --help        this help`;

/** Every subcommand takes both flags (--json matters to permissions only). */
const OPTIONS = { manifest: { type: 'string' }, json: { type: 'boolean' }, stage: { type: 'string' } } as const;

/** The built-in resources, and those the stage declares (they join the registry as the functions see it). */
function resourcesOf(stage: string | undefined) {
  if (stage !== undefined) readStageConfig(stage);
  return listResources();
}

/** The manifest file a subcommand works on; check and version need it to exist. */
function manifestFile(sub: string, flag: string | undefined): string {
  const file = flag ? path.resolve(flag) : MANIFEST_PATH;
  if (!existsSync(file)) throw new CliError(`manifest ${sub}: no manifest at ${file}`);
  return file;
}

export const manifestCommand: Command = withSubcommands({
  name: 'manifest',
  help: HELP,
  subcommands: {
    permissions: defineCommand({
      name: 'manifest permissions',
      help: HELP,
      options: OPTIONS,
      run: async ({ values }, io) => printPermissions(io, Boolean(values.json), values.stage),
    }),
    check: defineCommand({
      name: 'manifest check',
      help: HELP,
      options: OPTIONS,
      run: async ({ values }, io) => check(io, manifestFile('check', values.manifest), values.stage),
    }),
    version: defineCommand({
      name: 'manifest version',
      help: HELP,
      options: OPTIONS,
      positionals: true,
      async run({ values, positionals }, io) {
        const file = manifestFile('version', values.manifest);
        const [bump, extra] = positionals;
        if (!bump || extra !== undefined) throw new UsageError('manifest version: give exactly one of patch, minor, major or a version x.y.z');
        return version(io, bump, file);
      },
    }),
  },
  unknown: (sub) => `manifest: unknown subcommand "${sub}"; use permissions, check or version (see "connector manifest --help")`,
});

/** The registry's resources (with `--stage`, the ones it declares too), and the webhooks when a stage turns them on. */
function connectorNeeds(stage: string | undefined) {
  return connectorPermissionNeeds(resourcesOf(stage), { webhooks: webhooksEnabledInAnyStage() });
}

function printPermissions(io: CliIo, asJson: boolean, stage: string | undefined): number {
  const required = requiredPermissions(connectorNeeds(stage));
  if (asJson) {
    io.out(json(required));
    return 0;
  }
  const rows = [...required.company, ...required.project].map((p) => [p.scope, p.tool, LEVEL_LABEL[p.level], p.neededBy.join(', ')]);
  io.out(table(['SCOPE', 'TOOL', 'LEVEL', 'NEEDED BY'], rows));
  return 0;
}

function check(io: CliIo, file: string, stage: string | undefined): number {
  const manifest = loadManifest(file);
  const problems = checkManifestPermissions(manifest, connectorNeeds(stage));
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
