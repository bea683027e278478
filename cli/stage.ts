// A stage's settings as the deploy sees them: cdk.json context "stages", validated by the stack's
// own schema, so the CLI reads the same secret name and Procore environment the functions get.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { declareResources } from '../functions/commons/resources/registry';
import { declaredResourcesOf, loadStageConfig, StageConfigError, type StageConfig, type StageName } from '../lib/config/stage-config';
import { CliError } from './command';

export const CDK_JSON = path.resolve(__dirname, '..', 'cdk.json');

/**
 * Whether any stage in cdk.json turns webhooks on. One Procore app serves every stage, so its manifest
 * needs the Webhooks API permission as soon as one does. Read without validating the rest of the
 * stage (the shipped production stage holds placeholders).
 */
export function webhooksEnabledInAnyStage(cdkJsonPath = CDK_JSON): boolean {
  const stages =
    (JSON.parse(readFileSync(cdkJsonPath, 'utf8')) as { context?: { stages?: Record<string, { webhooks?: { enabled?: unknown } }> } }).context?.stages ?? {};
  return Object.values(stages).some((stage) => stage?.webhooks?.enabled === true);
}

/** The stage's settings; its declared resources join the registry, so every command knows them as the functions do. */
export function readStageConfig(stage: string, cdkJsonPath = CDK_JSON): { stage: StageName; config: StageConfig } {
  let context: { stages?: unknown };
  try {
    context = (JSON.parse(readFileSync(cdkJsonPath, 'utf8')) as { context?: { stages?: unknown } }).context ?? {};
  } catch (error) {
    throw new CliError(`cannot read the stage settings from ${cdkJsonPath}: ${(error as Error).message}`);
  }
  try {
    const loaded = loadStageConfig({ stage, stages: context.stages });
    declareResources(declaredResourcesOf(loaded.config), `${cdkJsonPath} stages.${loaded.stage}.resources`);
    return loaded;
  } catch (error) {
    if (error instanceof StageConfigError) throw new CliError(`stage settings in ${cdkJsonPath}: ${error.message}`, 2);
    throw error;
  }
}
