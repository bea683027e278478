// Resolving what a command acts on: explicit flags first, else the stage's stack outputs.
import { CliError } from './command';
import {
  cloudFormationOutputs,
  outputValue,
  parseQueueName,
  QUEUE_OUTPUTS,
  stackNameOfStage,
  type StackOutputs,
  type StackOutputsReader,
} from './aws/stack-outputs';

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

/** The flags that name a dead-letter queue: --dlq-url, or the DLQ of --queue in the stage's stack. */
export const DLQ_OPTIONS = { 'dlq-url': { type: 'string' }, ...STAGE_OPTIONS, queue: { type: 'string' } } as const;

/**
 * The dead-letter queue the flags name, and its source queue (`--to`, else the same --queue's
 * source in the stack); the stack outputs are read only when a URL flag is missing.
 */
export function deadLetterQueueTarget(command: string, flags: StageFlags & { 'dlq-url'?: string | undefined; queue?: string | undefined }) {
  const queue = QUEUE_OUTPUTS[parseQueueName(command, flags.queue)];
  const outputs = stackOutputsFor(command, flags);
  return {
    deadLetterQueue: () => flagOrOutput(flags['dlq-url'], outputs, queue.deadLetterQueue, '--dlq-url'),
    sourceQueue: (to: string | undefined) => flagOrOutput(to, outputs, queue.queue, '--to'),
  };
}
