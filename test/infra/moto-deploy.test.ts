// Deploys the stack for real with the CDK CLI into moto (the run's local AWS), then checks through
// the AWS APIs what was created. local/cdk-deploy.ts (shared with `npm start`) runs `cdk bootstrap`,
// `cdk synth` (bin/app.ts from a cdk.json) and `cdk deploy --method=direct` as child processes.
//
// moto's CloudFormation skips some resource types (it lists them without a type): queue policies,
// topic policies, CloudWatch alarms, Lambda EventInvokeConfig, CDK metadata; it also leaves a table's
// TimeToLiveSpecification unapplied. The dashboard cannot be created at all there because
// its alarm widget reads the skipped alarms' ARNs, so the deploy removes the dashboard from the
// synthesized template first: the nearest real deploy moto allows. moto also records
// every function as x86_64 without active tracing, whatever the template says, and skips bucket
// policies. What moto skips is asserted over the templates in rule-book.test.ts instead.
//
// The stage declares a resource no connector code knows (company hazards, from Procore's operations
// file) and points at the Procore simulator, which serves it generically: the deployed planner,
// worker and push function bundles (run in the local function host) pull it and push to it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteMessageCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PlannerEnvSchema, PushEnvSchema, readEnv, WorkerEnvSchema } from '../../functions/commons/config/runtime-env';
import { stackName } from '../../lib/connector-app';
import { deployStageToMoto, functionAssetDir, type CdkDeployResult } from '../../local/cdk-deploy';
import { startFunctionHost } from '../../local/function-host';
import { receiveMessages, sqsRecordFromMessage } from '../../local/sqs-event-source';
import { queueArn } from '../../cli/aws/sqs';
import { addGenericResource, startSimulator, type ProcoreSimulator } from '../../simulator';
import { HAZARDS } from '../support/declared-resources';
import { scheduledEvent } from '../pull/support/pull-harness';

const STACK = stackName('sandbox');
/** moto skips these types (lists them without a type), or the deploy removes them (see above). */
const NOT_DEPLOYED_IN_MOTO = [
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::CloudWatch::Alarm',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::CDK::Metadata',
  'AWS::CloudWatch::Dashboard',
  'AWS::S3::BucketPolicy',
];

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
let outputs: Record<string, string>;
let template: { Resources: Record<string, { Type: string }> };
let deploy: CdkDeployResult;
let deployed: StackResourceSummary[];
let work: string | undefined;
let sim: ProcoreSimulator;
let companyId: number;

beforeAll(async () => {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set: run through Jest, whose global setup starts moto');
  addGenericResource({ name: 'hazards', collection: HAZARDS.paths.list, wrapperKey: 'hazard', required: ['name'] });
  sim = await startSimulator({ now: Date.now(), data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 4, resources: ['hazards'] } });
  companyId = sim.store.companies().find((c) => c.installed)!.id;
  const secretName = `procore-connector/moto-${Date.now().toString(36)}/dmsa`;
  await new SecretsManagerClient({}).send(
    new CreateSecretCommand({ Name: secretName, SecretString: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret }) }),
  );

  work = mkdtempSync(path.join(tmpdir(), 'moto-deploy-'));
  const result = await deployStageToMoto({
    stage: 'sandbox',
    endpoint,
    workDir: work,
    stageConfig: {
      procore: { name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl },
      dmsaSecret: secretName,
      resources: { hazards: HAZARDS },
      sync: { companies: [companyId], resources: ['projects', 'hazards'], schedule: 'rate(15 minutes)' },
      push: { batchSize: 10, maxConcurrency: 2, maxReceiveCount: 5 },
      pullWorker: { maxConcurrency: 3, maxReceiveCount: 5 },
    },
  });
  template = result.template;
  deploy = result;
  expect(result.stackStatus).toBe('CREATE_COMPLETE');
  outputs = result.outputs;
  const cfn = new CloudFormationClient({});
  deployed = (await cfn.send(new ListStackResourcesCommand({ StackName: STACK }))).StackResourceSummaries ?? [];
  cfn.destroy();
}, 240000);

afterAll(async () => {
  await sim?.close();
  sqs.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('creates every resource moto supports, and only the known ones are missing', () => {
  const created = deployed.filter((r) => r.ResourceType);
  const rows = created.map((r) => `${(r.ResourceType ?? '').padEnd(34)} ${(r.LogicalResourceId ?? '').padEnd(48)} ${r.PhysicalResourceId}`);
  const createdIds = new Set(created.map((r) => r.LogicalResourceId));
  const missing = Object.entries(template.Resources).filter(([id]) => !createdIds.has(id));
  console.log(
    `Deployed into moto (${created.length} resources):\n${rows.join('\n')}\n\nNot created by moto:\n` +
      missing.map(([id, r]) => `${r.Type.padEnd(34)} ${id}`).join('\n'),
  );
  expect([...new Set(missing.map(([, r]) => r.Type))].filter((type) => !NOT_DEPLOYED_IN_MOTO.includes(type))).toEqual([]);
  const count = (type: string) => created.filter((r) => r.ResourceType === type).length;
  expect(count('AWS::SQS::Queue')).toBe(9);
  expect(count('AWS::Lambda::Function')).toBe(3);
  expect(count('AWS::Lambda::EventSourceMapping')).toBe(2);
  expect(count('AWS::DynamoDB::Table')).toBe(1);
  expect(count('AWS::Events::Rule')).toBe(1);
  expect(count('AWS::S3::Bucket')).toBe(1);
});

it('queues exist with their redrive policies, encryption and visibility timeouts', async () => {
  const attributes = async (url: string | undefined) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
  // Push and sync jobs: the connector's 5 attempts plus the spare receive (decisions.ts).
  const cases = [
    ['PushQueueUrl', 'PushDeadLetterQueueUrl', 6],
    ['ResultsQueueUrl', 'ResultsDeadLetterQueueUrl', 5],
    ['SyncJobsQueueUrl', 'SyncJobsDeadLetterQueueUrl', 6],
    ['RecordsQueueUrl', 'RecordsDeadLetterQueueUrl', 5],
  ] as const;
  for (const [queue, dlq, maxReceiveCount] of cases) {
    const queueAttributes = await attributes(outputs[queue]);
    const dlqArn = (await attributes(outputs[dlq])).QueueArn;
    expect(JSON.parse(queueAttributes.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount });
    expect(queueAttributes.SqsManagedSseEnabled).toBe('true');
  }
  for (const [queue, dlq] of cases) {
    const [source, dead] = [await attributes(outputs[queue]), await attributes(outputs[dlq])];
    expect([source.MaximumMessageSize, dead.MaximumMessageSize]).toEqual(['1048576', '1048576']);
    expect(Number(dead.MessageRetentionPeriod) - Number(source.MessageRetentionPeriod)).toBeGreaterThanOrEqual(7 * 24 * 3600);
  }
  expect((await attributes(outputs.PushQueueUrl)).VisibilityTimeout).toBe('360');
  expect((await attributes(outputs.SyncJobsQueueUrl)).VisibilityTimeout).toBe('1800');
  expect((await attributes(outputs.PlannerFailureQueueUrl)).SqsManagedSseEnabled).toBe('true');
});

it('the state table has pk/sk keys and on-demand billing (moto leaves TTL unapplied)', async () => {
  const dynamodb = new DynamoDBClient({});
  const table = (await dynamodb.send(new DescribeTableCommand({ TableName: outputs.StateTableName }))).Table;
  expect(table?.KeySchema).toEqual([
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  dynamodb.destroy();
});

it('each function has an environment its handler accepts, pointing at the deployed resources', async () => {
  const lambda = new LambdaClient({});
  const config = async (name: string | undefined) => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const push = await config(outputs.PushFunctionName);
  const planner = await config(outputs.PlannerFunctionName);
  const worker = await config(outputs.WorkerFunctionName);
  for (const fn of [push, planner, worker]) expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler' });

  const common = {
    CONNECTOR_STAGE: 'sandbox',
    PROCORE_ENVIRONMENT: 'custom',
    PROCORE_LOGIN_URL: sim.loginUrl,
    PROCORE_API_URL: sim.apiUrl,
    RESOURCES_FILE: 'resources.json',
    STATE_TABLE_NAME: outputs.StateTableName,
  };
  expect(readEnv(PushEnvSchema, push.Environment?.Variables)).toMatchObject({
    ...common,
    PUSH_DLQ_URL: outputs.PushDeadLetterQueueUrl,
    RESULTS_QUEUE_URL: outputs.ResultsQueueUrl,
  });
  expect(readEnv(PlannerEnvSchema, planner.Environment?.Variables)).toMatchObject({ ...common, SYNC_JOBS_QUEUE_URL: outputs.SyncJobsQueueUrl });
  expect(planner.Environment?.Variables).toMatchObject({ SYNC_CONFIG_FILE: 'sync-config.json' });
  expect(planner.Environment?.Variables?.SYNC_CONFIG).toBeUndefined();
  expect(readEnv(WorkerEnvSchema, worker.Environment?.Variables)).toMatchObject({
    ...common,
    CLAIM_CHECK_BUCKET: outputs.ClaimCheckBucketName,
    SYNC_JOBS_QUEUE_URL: outputs.SyncJobsQueueUrl,
    SYNC_JOBS_DLQ_URL: outputs.SyncJobsDeadLetterQueueUrl,
    RECORDS_QUEUE_URL: outputs.RecordsQueueUrl,
  });

  const mapping = async (fn: { FunctionName?: string }) =>
    (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn.FunctionName }))).EventSourceMappings ?? [];
  const queueArn = async (url: string | undefined) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  expect(await mapping(push)).toEqual([
    expect.objectContaining({
      EventSourceArn: await queueArn(outputs.PushQueueUrl),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      State: 'Enabled',
    }),
  ]);
  expect(await mapping(worker)).toEqual([
    expect.objectContaining({
      EventSourceArn: await queueArn(outputs.SyncJobsQueueUrl),
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
    }),
  ]);
  expect(await mapping(planner)).toEqual([]);
  lambda.destroy();
});

it('the schedule rule targets the planner with retries and the planner failure queue', async () => {
  const events = new EventBridgeClient({});
  const rules = (await events.send(new ListRulesCommand({ NamePrefix: `${STACK}-PullSchedule` }))).Rules ?? [];
  expect(rules).toEqual([expect.objectContaining({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' })]);
  const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: rules[0]?.Name }))).Targets ?? [];
  const failureQueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.PlannerFailureQueueUrl, AttributeNames: ['QueueArn'] }))).Attributes
    ?.QueueArn;
  expect(targets).toEqual([
    expect.objectContaining({
      Arn: expect.stringContaining(`:function:${outputs.PlannerFunctionName}`),
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: failureQueueArn },
    }),
  ]);
  events.destroy();
});

it('the deployed planner reads the sync scope bundled with its code (it gets as far as the event)', async () => {
  const plannerId = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('PullPlanner'))![0];
  const assetDir = functionAssetDir(deploy, plannerId);
  expect(JSON.parse(readFileSync(path.join(assetDir, 'sync-config.json'), 'utf8'))).toMatchObject({
    resources: ['projects', 'hazards'],
    companies: [companyId],
  });
  const lambda = new LambdaClient({});
  const env = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.PlannerFunctionName }))).Environment?.Variables ?? {};
  lambda.destroy();
  const host = await startFunctionHost({ entry: path.join(assetDir, 'index.mjs'), env, functionName: 'planner', timeoutMs: 20000, memoryMb: 256 });
  try {
    // loadRuntime (environment, bundled sync-config.json, zod) runs before the event is checked.
    await expect(host.invoke({})).rejects.toThrow('The planner expects an EventBridge scheduled event');
  } finally {
    await host.close();
  }
}, 60000);

/** A deployed function's bundle in the local function host, with the environment moto holds for it. */
async function deployedFunction(prefix: string, functionName: string) {
  const logicalId = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix))![0];
  const lambda = new LambdaClient({});
  const env = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).Environment?.Variables ?? {};
  lambda.destroy();
  return startFunctionHost({ entry: path.join(functionAssetDir(deploy, logicalId), 'index.mjs'), env, functionName, timeoutMs: 60000, memoryMb: 512 });
}

/** Plays an SQS event source mapping once: every message of the queue to the function, deleted when it succeeded. */
async function playQueue(queueUrl: string, fn: Awaited<ReturnType<typeof deployedFunction>>): Promise<number> {
  const arn = await queueArn(sqs, queueUrl);
  let handled = 0;
  for (;;) {
    const messages = await receiveMessages(sqs, queueUrl, 1, { visibilityTimeout: 60 });
    if (messages.length === 0) return handled;
    const response = await fn.invoke<{ batchItemFailures: unknown[] }>({ Records: messages.map((m) => sqsRecordFromMessage(m, arn)) });
    expect(response.batchItemFailures).toEqual([]);
    for (const m of messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    handled += messages.length;
  }
}

it('a resource declared in the stage config is pulled by the deployed planner and worker, and pushed to by the deployed push function', async () => {
  expect(
    JSON.parse(
      readFileSync(
        path.join(
          functionAssetDir(
            deploy,
            Object.keys(template.Resources).find((id) => id.startsWith('PullWorker') && template.Resources[id]!.Type === 'AWS::Lambda::Function')!,
          ),
          'resources.json',
        ),
        'utf8',
      ),
    ),
  ).toMatchObject([{ name: 'hazards', wrapperKey: 'hazard' }]);
  // moto's own pollers would take the messages (it cannot run the functions): this test plays the mappings.
  const lambda = new LambdaClient({});
  for (const mapping of (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []) {
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
  }
  lambda.destroy();
  const planner = await deployedFunction('PullPlanner', outputs.PlannerFunctionName!);
  const worker = await deployedFunction('PullWorker', outputs.WorkerFunctionName!);
  const push = await deployedFunction('PushHandler', outputs.PushFunctionName!);
  try {
    await planner.invoke(scheduledEvent(new Date(sim.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z')));
    expect(await playQueue(outputs.SyncJobsQueueUrl!, worker)).toBeGreaterThanOrEqual(2);
    const records = await receiveMessages(sqs, outputs.RecordsQueueUrl!, 100);
    const hazards = records.map((m) => JSON.parse(m.Body!)).filter((e) => e.resource === 'hazards');
    expect(hazards.map((e) => e.id).sort()).toEqual(
      sim.store
        .list('hazards', { companyId })
        .map((r) => r.id)
        .sort(),
    );

    const body = { version: 1, id: 'moto-hazard-1', companyId, resource: 'hazards', operation: 'create', data: { name: 'Deployed hazard' } };
    await sqs.send(new SendMessageCommand({ QueueUrl: outputs.PushQueueUrl!, MessageBody: JSON.stringify(body) }));
    expect(await playQueue(outputs.PushQueueUrl!, push)).toBe(1);
    expect(sim.store.list('hazards', { companyId }).map((r) => r.name)).toContain('Deployed hazard');
  } finally {
    await Promise.all([planner.close(), worker.close(), push.close()]);
  }
}, 180000);
