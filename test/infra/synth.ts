// Shared by the infra tests: synthesize a stage from the real cdk.json (optionally changed), once per file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { StageName } from '../../lib/config/stage-config';
import { buildConnectorApp, type ConnectorApp } from '../../lib/connector-app';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

interface CdkJson {
  context: { stages: Record<StageName, Record<string, unknown>> } & Record<string, unknown>;
}

/**
 * What a user puts into production's placeholders (README, "Deploying"): the shipped cdk.json
 * refuses to synthesize production until account, region and alarmEmail are real.
 */
export const PRODUCTION_FILLED_IN = { account: '111122223333', region: 'eu-west-1', alarmEmail: 'connector-alerts@acme-builders.com' } as const;

/** The context block of the project's cdk.json, as the CLI would pass it. */
export function cdkJsonContext(): CdkJson['context'] {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as CdkJson).context;
}

/** cdk.json's context with production's placeholders filled in (PRODUCTION_FILLED_IN). */
export function filledInContext(): CdkJson['context'] {
  const context = structuredClone(cdkJsonContext());
  Object.assign(context.stages.production, PRODUCTION_FILLED_IN);
  return context;
}

/** Turns the stage's webhooks on for two resources it pulls (what README "Webhooks" asks a user to add). */
export function enableWebhooks(config: Record<string, any>): void {
  config.webhooks = { enabled: true, resources: ['rfis', 'vendors'], headerSecret: 'procore-connector/webhook-header' };
}

export interface SynthesizedStage extends ConnectorApp {
  template: Template;
  json: Record<string, any>;
  outdir: string;
  templatePath: string;
}

export interface SynthOptions {
  /** Apply to the stage's config first (variants and negative cases). */
  change?: (config: Record<string, any>) => void;
  /** Synthesize production as shipped, placeholders and all (it must fail). @default false: PRODUCTION_FILLED_IN */
  asShipped?: boolean;
  /**
   * Run esbuild for the handlers (seconds per synth). Off, CDK's own switch
   * (aws:cdk:bundling-stacks = []) leaves placeholder assets; the template is otherwise the same.
   */
  bundle?: boolean;
}

const outdirs: string[] = [];

/** Removes the temporary cloud assemblies this file's synths wrote (call in afterAll). */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Synthesizes `stage` the way `cdk synth -c stage=<stage>` would, into a temporary directory. */
export function synthStage(stage: StageName, options: SynthOptions = {}): SynthesizedStage {
  const context: Record<string, any> = structuredClone(cdkJsonContext());
  if (stage === 'production' && !options.asShipped) Object.assign(context.stages.production, PRODUCTION_FILLED_IN);
  options.change?.(context.stages[stage]);
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const outdir = mkdtempSync(path.join(tmpdir(), `cdk-${stage}-`));
  outdirs.push(outdir);
  // cfn-lint.test.ts validates the templates; CDK's own validator would add seconds to every file.
  const built = buildConnectorApp({ context: { ...context, stage }, outdir, cloudFormationValidation: false });
  const assembly = built.app.synth();
  const artifact = assembly.getStackByName(built.stack.stackName);
  const template = Template.fromStack(built.stack);
  return { ...built, template, json: template.toJSON(), outdir, templatePath: artifact.templateFullPath };
}

/** Logical ids of resources of `type` whose logical id starts with `prefix`. */
export function logicalId(json: Record<string, any>, type: string, prefix: string): string {
  const ids = Object.entries(json.Resources as Record<string, { Type: string }>)
    .filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}
