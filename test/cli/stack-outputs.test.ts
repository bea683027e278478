import { randomUUID } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { stackNameOfStage } from '../../cli/aws/stack-outputs';
import { deadLetter, messageCount } from './cli-queues';
import { runCli } from './run-cli';

// A stack in moto with the connector's output names; its queues come from CloudFormation, so their
// URLs name the real AWS host (sqs.us-east-1.amazonaws.com), as a deployed stack's do.
describe("targets from a stage stack's CloudFormation outputs", () => {
  const stackName = `cli-test-${randomUUID().slice(0, 8)}`;
  const dlqName = `${stackName}-push-dlq`;
  const queueName = `${stackName}-push`;
  let dlqUrl: string;

  beforeAll(async () => {
    const template = {
      Resources: {
        PushDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: dlqName } },
        Push: {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: queueName, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['PushDlq', 'Arn'] }, maxReceiveCount: 3 } },
        },
      },
      Outputs: {
        PushQueueUrl: { Value: { Ref: 'Push' } },
        PushDeadLetterQueueUrl: { Value: { Ref: 'PushDlq' } },
      },
    };
    await new CloudFormationClient({}).send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
    dlqUrl = `https://sqs.us-east-1.amazonaws.com/123456789012/${dlqName}`;
    // The producer side reaches the queue by its moto URL; the CLI by the stack output.
    const motoDlqUrl = `${process.env.AWS_ENDPOINT_URL}/123456789012/${dlqName}`;
    for (const n of [1, 2, 3]) await deadLetter(motoDlqUrl, `{"id":"${n}"}`, { errorClass: 'ProcoreNotFound', message: 'gone', httpStatus: 404, attempts: 1 });
  });

  it('dlq inspect --stack-name --queue push reads the push DLQ from the outputs', async () => {
    const run = await runCli(['dlq', 'inspect', '--stack-name', stackName, '--queue', 'push']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Dead-letter queue ${dlqUrl}`);
    expect(run.stdout).toMatch(/^ProcoreNotFound\s+3\s+gone$/m);
  });

  it('redrive --stack-name moves the push DLQ back to the push queue', async () => {
    const run = await runCli(['redrive', '--stack-name', stackName, '--queue', 'push', '--no-move-task']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Moved 3 message\(s\) from https:\/\/sqs\.us-east-1\.amazonaws\.com\/\S+-push-dlq to \S+-push;/m);
    expect(await messageCount(`${process.env.AWS_ENDPOINT_URL}/123456789012/${queueName}`)).toBe(3);
  });

  it('says which output is missing, and which stack does not exist', async () => {
    const missing = await runCli(['dlq', 'inspect', '--stack-name', stackName, '--queue', 'jobs']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `stack ${stackName} has no output SyncJobsDeadLetterQueueUrl (outputs: PushDeadLetterQueueUrl, PushQueueUrl); pass --dlq-url instead`,
    );
    const absent = await runCli(['dlq', 'inspect', '--stack-name', `${stackName}-absent`]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain(`cannot read the outputs of CloudFormation stack ${stackName}-absent`);
    const badQueue = await runCli(['dlq', 'inspect', '--stack-name', stackName, '--queue', 'nope']);
    expect(badQueue.code).toBe(2);
    expect(badQueue.stderr).toContain('--queue must be one of push, jobs, records, results');
  });

  it("names a stage's stack as the stack code does", async () => {
    await expect(stackNameOfStage('sandbox')).resolves.toBe('procore-connector-sandbox');
    await expect(stackNameOfStage('qa')).rejects.toThrow('unknown stage "qa"; stages: sandbox, production');
  });
});
