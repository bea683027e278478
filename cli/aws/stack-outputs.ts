// Where the deployed connector's queues and table are: the stage's CloudFormation stack outputs
// (lib/connector-stack.ts names them). Flags always win; outputs fill in what flags leave out.
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CliError } from '../command';

/** Queues an operator works with, by the short name the CLI takes (--queue push|jobs|records|results). */
export const QUEUE_OUTPUTS = {
  push: { queue: 'PushQueueUrl', deadLetterQueue: 'PushDeadLetterQueueUrl' },
  jobs: { queue: 'SyncJobsQueueUrl', deadLetterQueue: 'SyncJobsDeadLetterQueueUrl' },
  records: { queue: 'RecordsQueueUrl', deadLetterQueue: 'RecordsDeadLetterQueueUrl' },
  results: { queue: 'ResultsQueueUrl', deadLetterQueue: 'ResultsDeadLetterQueueUrl' },
} as const;
export type QueueName = keyof typeof QUEUE_OUTPUTS;
export const QUEUE_NAMES = Object.keys(QUEUE_OUTPUTS) as QueueName[];

export const STATE_TABLE_OUTPUT = 'StateTableName';

/** The webhook receiver's URL (where Procore delivers), when the stage's webhooks block names none. */
export const WEBHOOK_RECEIVER_URL_OUTPUT = 'WebhookReceiverUrl';

export interface StackOutputs {
  stackName: string;
  values: Record<string, string>;
}

export type StackOutputsReader = (stackName: string) => Promise<StackOutputs>;

export function cloudFormationOutputs(cfn: CloudFormationClient = new CloudFormationClient({})): StackOutputsReader {
  return async (stackName) => {
    let stacks: Stack[];
    try {
      ({ Stacks: stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: stackName })));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CliError(
        `cannot read the outputs of CloudFormation stack ${stackName}: ${message}\n` +
          'Deploy the stage first (npm run cdk -- deploy -c stage=...), check AWS_REGION/AWS_PROFILE, or pass the URLs as flags.',
      );
    }
    const stack = stacks[0];
    if (!stack) throw new CliError(`CloudFormation stack ${stackName} not found; deploy the stage first or pass the URLs as flags`);
    const values: Record<string, string> = {};
    for (const output of stack.Outputs ?? []) if (output.OutputKey && output.OutputValue) values[output.OutputKey] = output.OutputValue;
    return { stackName, values };
  };
}

export function outputValue(outputs: StackOutputs, key: string, flagHint: string): string {
  const value = outputs.values[key];
  if (!value) {
    const known = Object.keys(outputs.values).sort().join(', ') || 'none';
    throw new CliError(`stack ${outputs.stackName} has no output ${key} (outputs: ${known}); pass ${flagHint} instead`);
  }
  return value;
}

/**
 * The stack name of a stage, from the stack code itself. Loaded lazily: it pulls in aws-cdk-lib,
 * which takes a second to load and is not needed when the operator passes URLs or --stack-name.
 */
export async function stackNameOfStage(stage: string): Promise<string> {
  const { STAGE_NAMES } = await import('../../lib/config/stage-config');
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) {
    throw new CliError(`unknown stage "${stage}"; stages: ${STAGE_NAMES.join(', ')}`, 2);
  }
  const { stackName } = await import('../../lib/connector-app');
  return stackName(stage as (typeof STAGE_NAMES)[number]);
}

export function parseQueueName(command: string, value: string | undefined): QueueName {
  const name = value ?? 'push';
  if (!(QUEUE_NAMES as string[]).includes(name)) {
    throw new CliError(`${command}: --queue must be one of ${QUEUE_NAMES.join(', ')} (got "${name}")`, 2);
  }
  return name as QueueName;
}
