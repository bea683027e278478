// Deploys one stage of the CDK app into moto with the real CDK CLI: `cdk bootstrap`, `cdk synth`
// (bin/app.ts under a cdk.json written for the run) and `cdk deploy --method=direct`, as child
// processes on the pinned Node. Used by `npm start` and by the moto deploy test.
//
// moto's pitfalls (see /work/shared/LOCAL-AWS.md and test/infra/moto-deploy.test.ts):
// - the CLI must reach moto as `localhost`: with 127.0.0.1 moto misreads the path-style S3 URL of
//   the template;
// - change sets break in moto and return no outputs: deploy with --method=direct;
// - moto skips alarms, queue/topic policies and EventInvokeConfig, and the dashboard's alarm
//   widget then cannot resolve their ARNs: the dashboard is removed from the template before deploying.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { stackName as stackNameOf } from '../lib/connector-app';
import type { StageName } from '../lib/config/stage-config';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin');

/** Resource types removed from the template before a moto deploy (see above). */
const REMOVED_FOR_MOTO = ['AWS::CloudWatch::Dashboard'];

export interface CdkDeployOptions {
  stage: StageName;
  /** The stage's config as cdk.json holds it under context.stages.<stage> (validated by the app at synth). */
  stageConfig: unknown;
  /** moto's endpoint (http://127.0.0.1:PORT or http://localhost:PORT). */
  endpoint: string;
  /** An empty directory the run may fill (cdk.json, cloud assembly); the caller removes it. */
  workDir: string;
  /** Account and region to bootstrap (moto's default account). */
  account?: string;
  region?: string;
  /** One line per step (bootstrap + synth, deploy) as each finishes. */
  log?: (line: string) => void;
  /** Aborting ends the running CDK CLI processes and their children (e.g. on Ctrl-C). */
  signal?: AbortSignal;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CdkDeployResult {
  stackName: string;
  stackStatus: string;
  outputs: Record<string, string>;
  /** The cloud assembly directory (cdk.out): templates and function assets. */
  assemblyDir: string;
  /** The template as deployed (after REMOVED_FOR_MOTO). */
  template: { Resources: Record<string, TemplateResource> };
}

/** The context block of the project's cdk.json (feature flags and stages). */
function projectContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

/** The environment the CDK CLI runs with against moto. */
function cdkCliEnvironment(endpoint: string, region = 'us-east-1'): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint.replace('127.0.0.1', 'localhost'),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function cdk(args: string[], cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error(`cdk ${args[0]}: aborted`));
    // Its own process group, so an abort also ends what it started (the app under synth, esbuild).
    const child = spawn(path.join(BIN, 'cdk'), [...args, '--no-notices'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const abort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.on('close', () => signal?.removeEventListener('abort', abort));
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(log) : reject(new Error(`cdk ${args.join(' ')} exited ${code}:\n${log.slice(-4000)}`))));
  });
}

export async function deployStageToMoto(options: CdkDeployOptions): Promise<CdkDeployResult> {
  const { stage, workDir } = options;
  const log = options.log ?? (() => undefined);
  const account = options.account ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const env = cdkCliEnvironment(options.endpoint, region);
  const stackName = stackNameOf(stage);

  const appDir = path.join(workDir, 'app');
  const bootstrapDir = path.join(workDir, 'bootstrap'); // no cdk.json here: bootstrap need not synth the app
  const assemblyDir = path.join(workDir, 'cdk.out');
  mkdirSync(appDir, { recursive: true });
  mkdirSync(bootstrapDir, { recursive: true });
  writeFileSync(
    path.join(appDir, 'cdk.json'),
    JSON.stringify({
      app: `${path.join(BIN, 'tsx')} ${path.join(PROJECT_ROOT, 'bin', 'app.ts')}`,
      output: assemblyDir,
      // The project's context (its recorded feature flags) with this run's stage in place of cdk.json's.
      context: { ...projectContext(), stage, stages: { [stage]: options.stageConfig } },
    }),
  );

  const started = Date.now();
  await Promise.all([
    cdk(['bootstrap', `aws://${account}/${region}`], bootstrapDir, env, options.signal),
    // --no-validation: CDK's schema check is cfn-lint's job (test/infra) and costs seconds here.
    cdk(['synth', '--quiet', '--no-validation'], appDir, env, options.signal),
  ]);
  log(`bootstrapped and synthesized ${stackName} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const templatePath = path.join(assemblyDir, `${stackName}.template.json`);
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CdkDeployResult['template'];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (REMOVED_FOR_MOTO.includes(resource.Type)) delete template.Resources[id];
  }
  writeFileSync(templatePath, JSON.stringify(template));

  const deployStarted = Date.now();
  await cdk(['deploy', stackName, '--app', assemblyDir, '--method=direct', '--require-approval', 'never'], workDir, env, options.signal);
  log(`deployed ${stackName} in ${((Date.now() - deployStarted) / 1000).toFixed(1)} s`);

  const cfn = new CloudFormationClient({ endpoint: options.endpoint, region });
  try {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    const outputs: Record<string, string> = {};
    for (const output of stack?.Outputs ?? []) if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
    return { stackName, stackStatus: stack?.StackStatus ?? 'UNKNOWN', outputs, assemblyDir, template };
  } finally {
    cfn.destroy();
  }
}

/** The bundled handler file of a function in the assembly: `<asset dir>/index.{mjs,js}` from the template's asset metadata. */
export function functionAssetDir(result: Pick<CdkDeployResult, 'assemblyDir' | 'template'>, logicalId: string): string {
  const resource = result.template.Resources[logicalId];
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  if (resource?.Type !== 'AWS::Lambda::Function' || typeof assetPath !== 'string') {
    throw new Error(`${logicalId} is not a Lambda function with an asset in the synthesized template`);
  }
  return path.resolve(result.assemblyDir, assetPath);
}
