// The synthesized stack, construct by construct: what a deploy would create and who may do what.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { PlannerEnvSchema, PushEnvSchema, WorkerEnvSchema } from '../../functions/commons/config/runtime-env';
import { SyncConfigSchema } from '../../functions/pull/sync-config';
import { logicalId, removeSynthOutputs, synthStage, type SynthesizedStage } from './synth';

const QUEUE = 'AWS::SQS::Queue';
const FUNCTION = 'AWS::Lambda::Function';

let sandbox: SynthesizedStage;
let production: SynthesizedStage;

beforeAll(() => {
  sandbox = synthStage('sandbox', { bundle: true });
  production = synthStage('production');
}, 60000);

afterAll(removeSynthOutputs);

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const resources = (s: SynthesizedStage, type: string) =>
  Object.entries(s.json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of the inline policy attached to the role of the function whose id starts with prefix. */
function policyOf(s: SynthesizedStage, functionPrefix: string): Statement[] {
  const fn = s.json.Resources[logicalId(s.json, FUNCTION, functionPrefix)];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const policies = resources(s, 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
  return policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function allows(statements: Statement[], action: string, resource: unknown): boolean {
  return statements.some((st) => {
    const actions = [st.Action].flat();
    const targets = [st.Resource].flat();
    return st.Effect === 'Allow' && actions.includes(action) && targets.some((t) => JSON.stringify(t) === JSON.stringify(resource));
  });
}

function environmentOf(s: SynthesizedStage, functionPrefix: string): Record<string, any> {
  return s.json.Resources[logicalId(s.json, FUNCTION, functionPrefix)].Properties.Environment.Variables;
}

describe('queues', () => {
  it('push queue redrives to its DLQ after maxReceiveCount, with visibility = 6 x timeout', () => {
    const dlq = logicalId(sandbox.json, QUEUE, 'PushPushDeadLetterQueue');
    const push = sandbox.json.Resources[logicalId(sandbox.json, QUEUE, 'PushPushQueue')];
    expect(push.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 5 });
    const timeout = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, 'PushHandler')].Properties.Timeout;
    expect(push.Properties.VisibilityTimeout).toBe(6 * timeout);
  });

  it('sync jobs queue redrives to its DLQ (worker maxReceiveCount) and outlasts six worker timeouts', () => {
    const dlq = logicalId(sandbox.json, QUEUE, 'PullSyncJobsDeadLetterQueue');
    const jobs = sandbox.json.Resources[logicalId(sandbox.json, QUEUE, 'PullSyncJobsQueue')];
    expect(jobs.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 3 });
    const timeout = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, 'PullWorker')].Properties.Timeout;
    expect(jobs.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('records and results queues have DLQs for their downstream consumers', () => {
    for (const [queue, dlq] of [['PullRecordsQueue', 'PullRecordsDeadLetterQueue'], ['PushResultsQueue', 'PushResultsDeadLetterQueue']] as const) {
      const props = sandbox.json.Resources[logicalId(sandbox.json, QUEUE, queue)].Properties;
      expect(props.RedrivePolicy.deadLetterTargetArn).toEqual(arnOf(logicalId(sandbox.json, QUEUE, dlq)));
    }
  });

  it.each(['sandbox', 'production'] as const)('every queue in %s is encrypted and refuses non-TLS access', (stage) => {
    const s = stage === 'sandbox' ? sandbox : production;
    const queues = resources(s, QUEUE);
    expect(queues.length).toBe(9);
    const policies = resources(s, 'AWS::SQS::QueuePolicy').map(([, p]) => p.Properties);
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const policy = policies.find((p) => p.Queues.some((q: any) => q.Ref === id));
      expect(policy?.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('production push queue and its DLQ are FIFO without content-based deduplication', () => {
    for (const prefix of ['PushPushQueue', 'PushPushDeadLetterQueue']) {
      const props = production.json.Resources[logicalId(production.json, QUEUE, prefix)].Properties;
      expect(props).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
    }
    expect(sandbox.json.Resources[logicalId(sandbox.json, QUEUE, 'PushPushQueue')].Properties.FifoQueue).toBeUndefined();
  });

  it('production keeps queues when the stack is deleted; sandbox removes them', () => {
    for (const [, q] of resources(production, QUEUE)) expect(q.DeletionPolicy).toBe('Retain');
    for (const [, q] of resources(sandbox, QUEUE)) expect(q.DeletionPolicy).toBe('Delete');
  });
});

describe('event source mappings', () => {
  it('push function consumes the push queue with partial batch failures and bounded concurrency', () => {
    sandbox.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalId(sandbox.json, QUEUE, 'PushPushQueue')),
      FunctionName: { Ref: logicalId(sandbox.json, FUNCTION, 'PushHandler') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
    production.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalId(production.json, QUEUE, 'PushPushQueue')),
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('a batching window from the config reaches the mapping', () => {
    const s = synthStage('sandbox', { change: (c) => Object.assign(c.push, { batchSize: 50, maxBatchingWindowSeconds: 5 }) });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 50, MaximumBatchingWindowInSeconds: 5 });
    const push = s.json.Resources[logicalId(s.json, QUEUE, 'PushPushQueue')];
    expect(push.Properties.VisibilityTimeout).toBe(6 * 60 + 5);
  });

  it('pull worker takes one sync job at a time, with partial batch failures and bounded concurrency', () => {
    sandbox.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalId(sandbox.json, QUEUE, 'PullSyncJobsQueue')),
      FunctionName: { Ref: logicalId(sandbox.json, FUNCTION, 'PullWorker') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    sandbox.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });
});

describe('schedule and planner', () => {
  it('the stage schedule invokes the planner, with retries and a dead-letter queue', () => {
    const failures = logicalId(sandbox.json, QUEUE, 'PullPlannerFailureQueue');
    sandbox.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: arnOf(logicalId(sandbox.json, FUNCTION, 'PullPlanner')),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: arnOf(failures) },
        }),
      ],
    });
    production.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/15 * * * ? *)' });
  });

  it('a failed asynchronous planner run lands in the planner failure queue', () => {
    sandbox.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(sandbox.json, FUNCTION, 'PullPlanner') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(logicalId(sandbox.json, QUEUE, 'PullPlannerFailureQueue')) } },
    });
  });
});

describe('functions', () => {
  it.each(['PushHandler', 'PullPlanner', 'PullWorker'])('%s: Node 24 on arm64, ESM bundle, tracing, own log group kept a month', (prefix) => {
    const props = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, prefix)].Properties;
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
    const logGroupId = props.LoggingConfig.LogGroup.Ref as string;
    expect(sandbox.json.Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    const role = sandbox.json.Resources[props.Role['Fn::GetAtt'][0]];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('bundles each handler as ESM with a require shim and a source map, offline with the local esbuild', () => {
    const code = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, 'PushHandler')].Properties.Code;
    const assetDir = path.join(sandbox.outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
    const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
  });

  it.each([
    ['PushHandler', PushEnvSchema],
    ['PullPlanner', PlannerEnvSchema],
    ['PullWorker', WorkerEnvSchema],
  ] as const)('%s gets exactly its runtime-env.ts contract plus Powertools settings', (prefix, schema) => {
    const env = environmentOf(sandbox, prefix);
    const contract = Object.keys(schema.shape).filter((k) => !['PROCORE_LOGIN_URL', 'PROCORE_API_URL'].includes(k));
    expect(Object.keys(env).sort()).toEqual([...contract, 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS'].sort());
    expect(env).toMatchObject({
      CONNECTOR_STAGE: 'sandbox',
      PROCORE_ENVIRONMENT: 'sandbox',
      DMSA_SECRET_ID: 'procore-connector/sandbox/dmsa',
      STATE_TABLE_NAME: { Ref: logicalId(sandbox.json, 'AWS::DynamoDB::Table', 'State') },
      POWERTOOLS_METRICS_NAMESPACE: 'ProcoreConnector',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('queue URLs in the environment point at the right queues', () => {
    const ref = (prefix: string) => ({ Ref: logicalId(sandbox.json, QUEUE, prefix) });
    expect(environmentOf(sandbox, 'PushHandler')).toMatchObject({ PUSH_DLQ_URL: ref('PushPushDeadLetterQueue'), RESULTS_QUEUE_URL: ref('PushResultsQueue') });
    expect(environmentOf(sandbox, 'PullPlanner')).toMatchObject({ SYNC_JOBS_QUEUE_URL: ref('PullSyncJobsQueue') });
    expect(environmentOf(sandbox, 'PullWorker')).toMatchObject({
      SYNC_JOBS_QUEUE_URL: ref('PullSyncJobsQueue'),
      SYNC_JOBS_DLQ_URL: ref('PullSyncJobsDeadLetterQueue'),
      RECORDS_QUEUE_URL: ref('PullRecordsQueue'),
    });
  });

  it('SYNC_CONFIG is the stage sync scope the planner parses (schedule excluded)', () => {
    const { schedule: _schedule, ...scope } = sandbox.config.sync;
    const parsed = SyncConfigSchema.parse(JSON.parse(environmentOf(sandbox, 'PullPlanner').SYNC_CONFIG));
    expect(parsed).toEqual(scope);
  });

  it('a custom Procore environment passes its base URLs; without a results queue there is no RESULTS_QUEUE_URL', () => {
    const s = synthStage('sandbox', {
      change: (c) => {
        c.procore = { name: 'custom', loginUrl: 'http://localhost:4010', apiUrl: 'http://localhost:4011' };
        c.push.resultsQueue = false;
      },
    });
    const env = environmentOf(s, 'PushHandler');
    expect(env).toMatchObject({ PROCORE_ENVIRONMENT: 'custom', PROCORE_LOGIN_URL: 'http://localhost:4010', PROCORE_API_URL: 'http://localhost:4011' });
    expect(env.RESULTS_QUEUE_URL).toBeUndefined();
    expect(resources(s, QUEUE).length).toBe(7);
    expect(s.json.Outputs.ResultsQueueUrl).toBeUndefined();
  });
});

describe('IAM: grants scoped to the exact resources', () => {
  const secretArn = {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:procore-connector/sandbox/dmsa-??????']],
  };

  it.each(['PushHandler', 'PullPlanner', 'PullWorker'])('%s: "*" only for X-Ray; reads the DMSA secret and the state table', (prefix) => {
    const statements = policyOf(sandbox, prefix);
    for (const st of statements.filter((s) => [s.Resource].flat().includes('*'))) {
      expect([st.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    expect(allows(statements, 'secretsmanager:GetSecretValue', secretArn)).toBe(true);
    const table = arnOf(logicalId(sandbox.json, 'AWS::DynamoDB::Table', 'State'));
    expect(allows(statements, 'dynamodb:GetItem', table)).toBe(true);
    expect(allows(statements, 'dynamodb:PutItem', table)).toBe(true);
  });

  it('push: consumes and delays push messages, sends to its DLQ and the results queue, nothing else', () => {
    const statements = policyOf(sandbox, 'PushHandler');
    const q = (prefix: string) => arnOf(logicalId(sandbox.json, QUEUE, prefix));
    expect(allows(statements, 'sqs:ChangeMessageVisibility', q('PushPushQueue'))).toBe(true);
    expect(allows(statements, 'sqs:DeleteMessage', q('PushPushQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PushPushDeadLetterQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PushResultsQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PullRecordsQueue'))).toBe(false);
    expect(allows(statements, 'sqs:SendMessage', q('PushPushQueue'))).toBe(false);
  });

  it('planner: sends sync jobs only', () => {
    const statements = policyOf(sandbox, 'PullPlanner');
    const q = (prefix: string) => arnOf(logicalId(sandbox.json, QUEUE, prefix));
    expect(allows(statements, 'sqs:SendMessage', q('PullSyncJobsQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PullPlannerFailureQueue'))).toBe(true); // on-failure destination
    expect(allows(statements, 'sqs:SendMessage', q('PullRecordsQueue'))).toBe(false);
    expect(allows(statements, 'sqs:SendMessage', q('PullSyncJobsDeadLetterQueue'))).toBe(false);
  });

  it('worker: consumes jobs, sends records, continuations and dead letters', () => {
    const statements = policyOf(sandbox, 'PullWorker');
    const q = (prefix: string) => arnOf(logicalId(sandbox.json, QUEUE, prefix));
    expect(allows(statements, 'sqs:ReceiveMessage', q('PullSyncJobsQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PullRecordsQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PullSyncJobsQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PullSyncJobsDeadLetterQueue'))).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', q('PushPushDeadLetterQueue'))).toBe(false);
  });

  it('a secret given by ARN is granted by that exact ARN', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:procore/dmsa-AbCdEf';
    const s = synthStage('sandbox', { change: (c) => (c.dmsaSecret = arn) });
    expect(allows(policyOf(s, 'PullWorker'), 'secretsmanager:GetSecretValue', arn)).toBe(true);
    expect(environmentOf(s, 'PullWorker').DMSA_SECRET_ID).toBe(arn);
  });
});

describe('state table', () => {
  it('pk/sk strings, TTL on expiration, on demand, point-in-time recovery, encrypted', () => {
    sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('production retains the table and protects it from deletion; sandbox does not', () => {
    production.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    sandbox.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });
});

describe('monitoring', () => {
  const alarms = (s: SynthesizedStage) => resources(s, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('every DLQ alarms on its first message, to the alarm topic', () => {
    const topic = { Ref: logicalId(sandbox.json, 'AWS::SNS::Topic', 'MonitoringAlarmTopic') };
    const dlqs = ['PushPushDeadLetterQueue', 'PushResultsDeadLetterQueue', 'PullSyncJobsDeadLetterQueue', 'PullRecordsDeadLetterQueue', 'PullPlannerFailureQueue'];
    for (const prefix of dlqs) {
      const queueName = { 'Fn::GetAtt': [logicalId(sandbox.json, QUEUE, prefix), 'QueueName'] };
      expect(alarms(sandbox)).toContainEqual(
        expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: queueName }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [topic],
        }),
      );
    }
  });

  it('work queues alarm on the age of their oldest message; each function on errors and throttles', () => {
    const byMetric = (name: string) => alarms(sandbox).filter((a) => a.MetricName === name);
    expect(byMetric('ApproximateAgeOfOldestMessage')).toHaveLength(3);
    expect(byMetric('Errors').map((a) => a.Dimensions[0].Value.Ref).sort()).toEqual(
      ['PushHandler', 'PullPlanner', 'PullWorker'].map((p) => logicalId(sandbox.json, FUNCTION, p)).sort(),
    );
    expect(byMetric('Throttles')).toHaveLength(3);
  });

  it('the topic is KMS-encrypted with a rotating key CloudWatch may use; production e-mails the operator', () => {
    const key = logicalId(sandbox.json, 'AWS::KMS::Key', 'MonitoringTopicKey');
    sandbox.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(key) });
    sandbox.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
    sandbox.template.resourceCountIs('AWS::SNS::Subscription', 0);
    production.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'procore-connector-alerts@example.com' });
    sandbox.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

it('outputs every queue URL and the table name', () => {
  expect(Object.keys(sandbox.json.Outputs).sort()).toEqual(
    [
      'AlarmTopicArn',
      'PlannerFailureQueueUrl',
      'PlannerFunctionName',
      'PushDeadLetterQueueUrl',
      'PushFunctionName',
      'PushQueueUrl',
      'RecordsDeadLetterQueueUrl',
      'RecordsQueueUrl',
      'ResultsDeadLetterQueueUrl',
      'ResultsQueueUrl',
      'StateTableName',
      'SyncJobsDeadLetterQueueUrl',
      'SyncJobsQueueUrl',
      'WorkerFunctionName',
    ].sort(),
  );
  expect(sandbox.json.Outputs.PushQueueUrl.Value).toEqual({ Ref: logicalId(sandbox.json, QUEUE, 'PushPushQueue') });
});

it.each(['sandbox', 'production'] as const)('%s template matches the snapshot (asset hashes normalised)', (stage) => {
  const json = (stage === 'sandbox' ? sandbox : production).json;
  const normalised = JSON.parse(JSON.stringify(json).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  expect(normalised).toMatchSnapshot();
});
