// Resolving what a command acts on: explicit flags first, else the stage's stack outputs.
import { CliError } from './command';
import { cloudFormationOutputs, outputValue, stackNameOfStage, type StackOutputs, type StackOutputsReader } from './aws/stack-outputs';

export interface StageFlags {
  stage?: string | undefined;
  'stack-name'?: string | undefined;
}

export const STAGE_OPTIONS = {
  stage: { type: 'string' },
  'stack-name': { type: 'string' },
} as const;

export const STAGE_HELP = `  --stage S              sandbox | production: read queue URLs / table name from the stage's
                         CloudFormation stack outputs (stack procore-connector-<stage>)
  --stack-name NAME      a stack deployed under another name (implies reading its outputs)`;

/** Lazily reads the stack outputs once, only when a flag did not give a value. */
export function stackOutputsFor(command: string, flags: StageFlags, reader: StackOutputsReader = cloudFormationOutputs()): () => Promise<StackOutputs> {
  let cached: Promise<StackOutputs> | undefined;
  return () => {
    cached ??= (async () => {
      const stackName = flags['stack-name'] ?? (flags.stage ? await stackNameOfStage(flags.stage) : undefined);
      if (!stackName) throw new CliError(`${command}: say where to act: pass the URL flags, or --stage S to read them from the deployed stack`, 2);
      return reader(stackName);
    })();
    return cached;
  };
}

export async function flagOrOutput(flagValue: string | undefined, outputs: () => Promise<StackOutputs>, outputKey: string, flag: string): Promise<string> {
  if (flagValue) return flagValue;
  return outputValue(await outputs(), outputKey, flag);
}
