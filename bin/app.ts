// CDK app entry: `cdk synth|deploy -c stage=sandbox|production` (default sandbox).
// Stage settings live in cdk.json under context.stages; see lib/config/stage-config.ts.
import { StageConfigError } from '../lib/config/stage-config';
import { buildConnectorApp } from '../lib/connector-app';

try {
  buildConnectorApp().app.synth();
} catch (error) {
  if (!(error instanceof StageConfigError)) throw error;
  process.stderr.write(`Invalid stage configuration in cdk.json:\n${error.message}\n`);
  process.exit(1);
}
