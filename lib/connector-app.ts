// Builds the CDK app for one stage: validated config, the stack, cdk-nag checks.
// bin/app.ts runs it under the CDK CLI; tests call it with an explicit context and outdir.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadStageConfig, type StageConfig, type StageName } from './config/stage-config';
import { ConnectorStack } from './connector-stack';

export interface ConnectorAppOptions {
  /** CDK context; without it the App reads what the CLI passes (cdk.json and -c). */
  context?: Record<string, unknown>;
  outdir?: string;
  /** CDK's built-in CloudFormation schema validation at synth (slow on first use). @default true */
  cloudFormationValidation?: boolean;
}

export interface ConnectorApp {
  app: App;
  stack: ConnectorStack;
  stage: StageName;
  config: StageConfig;
}

export function stackName(stage: StageName): string {
  return `procore-connector-${stage}`;
}

export function buildConnectorApp(options: ConnectorAppOptions = {}): ConnectorApp {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.cloudFormationValidation === false ? { builtinCloudFormationValidation: false } : {}),
  });
  // Validate before building anything: a bad config must not half-build a stack.
  const { stage, config } = loadStageConfig({
    stage: app.node.tryGetContext('stage'),
    stages: app.node.tryGetContext('stages'),
  });
  const stack = new ConnectorStack(app, stackName(stage), {
    stage,
    config,
    // Pinned where the stage says (production must); otherwise the account and region of the shell.
    env: { ...(config.account ? { account: config.account } : {}), ...(config.region ? { region: config.region } : {}) },
    terminationProtection: stage === 'production',
    description: `Procore DMSA connector (${stage}): scheduled pull to a records queue, push queue to Procore`,
    tags: { application: 'procore-connector', stage },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack, stage, config };
}
