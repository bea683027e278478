// The synthesized stack, construct by construct: what a deploy would create and who may do what.
// The rules AWS enforces and moto does not are in rule-book.test.ts; this file says what each
// construct builds (what the whole-template snapshot used to hold, as assertions that say why).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Table, AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { PlannerEnvSchema, PushEnvSchema, WorkerEnvSchema } from '../../functions/commons/config/runtime-env';
import { bind } from '../../lib/constructs/bind';
import { ClaimCheckBucket } from '../../lib/constructs/claim-check-bucket';
import { ConnectorFunction } from '../../lib/constructs/connector-function';
import { PLANNER_MEMORY_MB, PLANNER_TIMEOUT_SECONDS, WORKER_MEMORY_MB, WORKER_TIMEOUT_SECONDS } from '../../lib/constructs/pull-pipeline';
import { PUSH_MEMORY_MB, PUSH_TIMEOUT_SECONDS } from '../../lib/constructs/push-pipeline';
import { queueWithDeadLetter } from '../../lib/constructs/queues';
import { logicalId, PRODUCTION_FILLED_IN, removeSynthOutputs, synthStage, type SynthesizedStage } from './synth';
import { allows, arnOf, environmentOf, FUNCTION, policyOf, QUEUE, resources } from './template-queries';

let sandbox: SynthesizedStage;
let production: SynthesizedStage;

beforeAll(() => {
  sandbox = synthStage('sandbox', { bundle: true });
  production = synthStage('production');
}, 60000);

afterAll(removeSynthOutputs);

describe('queues', () => {
  it("push queue redrives to its DLQ one receive after the connector's attempts (maxReceiveCount 5 + the spare), with visibility = 6 x timeout", () => {
    const dlq = logicalId(sandbox.json, QUEUE, 'PushPushDeadLetterQueue');
    const push = sandbox.json.Resources[logicalId(sandbox.json, QUEUE, 'PushPushQueue')];
    expect(push.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 6 });
    const timeout = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, 'PushHandler')].Properties.Timeout;
    expect(push.Properties.VisibilityTimeout).toBe(6 * timeout);
  });

  it("sync jobs queue redrives to its DLQ one receive after the worker's attempts (maxReceiveCount 5 + the spare) and outlasts six worker timeouts", () => {
    const dlq = logicalId(sandbox.json, QUEUE, 'PullSyncJobsDeadLetterQueue');
    const jobs = sandbox.json.Resources[logicalId(sandbox.json, QUEUE, 'PullSyncJobsQueue')];
    expect(jobs.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 6 });
    const timeout = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, 'PullWorker')].Properties.Timeout;
    expect(jobs.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('records and results queues have DLQs for their downstream consumers', () => {
    for (const [queue, dlq] of [
      ['PullRecordsQueue', 'PullRecordsDeadLetterQueue'],
      ['PushResultsQueue', 'PushResultsDeadLetterQueue'],
    ] as const) {
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
      // The sandbox stage's pullWorker.maxConcurrency (cdk.json).
      ScalingConfig: { MaximumConcurrency: 4 },
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
  ] as const)('%s gets only variables of its runtime-env.ts contract (every required one) plus Powertools settings', (prefix, schema) => {
    const env = environmentOf(sandbox, prefix);
    const contract = Object.keys(schema.shape);
    const required = contract.filter(
      (key) => !(schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[key]!.safeParse(undefined).success,
    );
    // POWERTOOLS_TRACE_ENABLED: the stage's tracing setting (lib/config/tracing-mode.ts), read by Powertools.
    const own = Object.keys(env).filter(
      (key) => !['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_TRACE_ENABLED', 'NODE_OPTIONS'].includes(key),
    );
    expect(own.filter((key) => !contract.includes(key))).toEqual([]);
    expect(required.filter((key) => !own.includes(key))).toEqual([]);
    expect(env).toMatchObject({
      CONNECTOR_STAGE: 'sandbox',
      PROCORE_ENVIRONMENT: 'sandbox',
      DMSA_SECRET_ID: 'procore-connector/sandbox/dmsa',
      STATE_TABLE_NAME: { Ref: logicalId(sandbox.json, 'AWS::DynamoDB::Table', 'State') },
      POWERTOOLS_METRICS_NAMESPACE: 'ProcoreConnector',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it("queue URLs, the bucket and the connector's attempts in the environment point at the right resources", () => {
    const ref = (prefix: string) => ({ Ref: logicalId(sandbox.json, QUEUE, prefix) });
    expect(environmentOf(sandbox, 'PushHandler')).toMatchObject({
      PUSH_QUEUE_URL: ref('PushPushQueue'),
      PUSH_DLQ_URL: ref('PushPushDeadLetterQueue'),
      RESULTS_QUEUE_URL: ref('PushResultsQueue'),
      MAX_ATTEMPTS: '5',
    });
    expect(environmentOf(sandbox, 'PullPlanner')).toMatchObject({ SYNC_JOBS_QUEUE_URL: ref('PullSyncJobsQueue'), SYNC_CONFIG_FILE: 'sync-config.json' });
    expect(environmentOf(sandbox, 'PullWorker')).toMatchObject({
      SYNC_JOBS_QUEUE_URL: ref('PullSyncJobsQueue'),
      SYNC_JOBS_DLQ_URL: ref('PullSyncJobsDeadLetterQueue'),
      RECORDS_QUEUE_URL: ref('PullRecordsQueue'),
      CLAIM_CHECK_BUCKET: { Ref: logicalId(sandbox.json, 'AWS::S3::Bucket', 'ClaimCheck') },
      MAX_ATTEMPTS: '5',
      MAX_CONTINUATIONS: '100',
    });
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

  it('memory and timeouts are the exported constants the local hosts, chaos and bench use', () => {
    const props = (prefix: string) => sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, prefix)].Properties;
    expect(props('PushHandler')).toMatchObject({ MemorySize: PUSH_MEMORY_MB, Timeout: PUSH_TIMEOUT_SECONDS });
    expect(props('PullPlanner')).toMatchObject({ MemorySize: PLANNER_MEMORY_MB, Timeout: PLANNER_TIMEOUT_SECONDS });
    expect(props('PullWorker')).toMatchObject({ MemorySize: WORKER_MEMORY_MB, Timeout: WORKER_TIMEOUT_SECONDS });
  });

  it('each function has a role of its own that only Lambda may assume', () => {
    for (const prefix of ['PushHandler', 'PullPlanner', 'PullWorker']) {
      const roleId = sandbox.json.Resources[logicalId(sandbox.json, FUNCTION, prefix)].Properties.Role['Fn::GetAtt'][0];
      expect(sandbox.json.Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it('production keeps log groups; sandbox deletes them with the stack', () => {
    for (const [, group] of resources(production, 'AWS::Logs::LogGroup')) expect(group.DeletionPolicy).toBe('Retain');
    for (const [, group] of resources(sandbox, 'AWS::Logs::LogGroup')) expect(group.DeletionPolicy).toBe('Delete');
  });
});

describe('IAM: grants scoped to the exact resources', () => {
  const secretArn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':secret:procore-connector/sandbox/dmsa-??????',
      ],
    ],
  };

  it.each(['PushHandler', 'PullPlanner', 'PullWorker'] as const)('%s: reads the DMSA secret by its name', (prefix) => {
    expect(allows(policyOf(sandbox, prefix), 'secretsmanager:GetSecretValue', secretArn)).toBe(true);
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

describe('schedule permissions', () => {
  it('EventBridge may invoke the planner, for this rule only', () => {
    const rule = logicalId(sandbox.json, 'AWS::Events::Rule', 'PullSchedule');
    sandbox.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(logicalId(sandbox.json, FUNCTION, 'PullPlanner')),
      Principal: 'events.amazonaws.com',
      SourceArn: arnOf(rule),
    });
  });

  it('EventBridge may put undeliverable schedule events into the planner failure queue, for this rule only', () => {
    const queue = logicalId(sandbox.json, QUEUE, 'PullPlannerFailureQueue');
    const [, policy] = resources(sandbox, 'AWS::SQS::QueuePolicy').find(([, p]) => p.Properties.Queues.some((q: any) => q.Ref === queue))!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': arnOf(logicalId(sandbox.json, 'AWS::Events::Rule', 'PullSchedule')) } },
      }),
    );
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
    const dlqs = [
      'PushPushDeadLetterQueue',
      'PushResultsDeadLetterQueue',
      'PullSyncJobsDeadLetterQueue',
      'PullRecordsDeadLetterQueue',
      'PullPlannerFailureQueue',
    ];
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
    expect(
      byMetric('Errors')
        .map((a) => a.Dimensions[0].Value.Ref)
        .sort(),
    ).toEqual(['PushHandler', 'PullPlanner', 'PullWorker'].map((p) => logicalId(sandbox.json, FUNCTION, p)).sort());
    expect(byMetric('Throttles')).toHaveLength(3);
  });

  it('the topic is KMS-encrypted with a rotating key; production e-mails the operator', () => {
    const key = logicalId(sandbox.json, 'AWS::KMS::Key', 'MonitoringTopicKey');
    sandbox.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(key) });
    sandbox.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    sandbox.template.resourceCountIs('AWS::SNS::Subscription', 0);
    production.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: PRODUCTION_FILLED_IN.alarmEmail });
  });

  it('every alarm looks at one 5-minute period, treats missing data as fine and says what to do', () => {
    for (const alarm of alarms(sandbox)) {
      expect(alarm).toMatchObject({ EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      expect(alarm.Period ?? alarm.Metrics.find((m: any) => m.MetricStat).MetricStat.Period).toBe(300);
      expect(alarm.AlarmDescription.length).toBeGreaterThan(40);
    }
  });

  it('the dashboard shows the alarms, backlog, dead letters and function health', () => {
    const [, dashboard] = resources(sandbox, 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of [
      'Alarms',
      'Backlog: messages waiting',
      'Backlog: oldest message age (s)',
      'Dead letters',
      'Invocations and errors',
      'Duration p95 (ms) and throttles',
    ]) {
      expect(body).toContain(title);
    }
  });
});

it('outputs every queue URL, the table and the claim-check bucket', () => {
  expect(Object.keys(sandbox.json.Outputs).sort()).toEqual(
    [
      'AlarmTopicArn',
      'ClaimCheckBucketName',
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

it('the stack says what it is and carries the application and stage tags', () => {
  expect(production.json.Description).toBe('Procore DMSA connector (production): scheduled pull to a records queue, push queue to Procore');
  const artifact = production.app.synth().getStackByName(production.stack.stackName);
  expect(artifact.tags).toEqual({ application: 'procore-connector', stage: 'production' });
});

describe('constructs check their props up front', () => {
  const stack = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Props');

  it('a queue with its DLQ: maxReceiveCount in 1..1000, and a retention that leaves dead letters a week', () => {
    expect(() => queueWithDeadLetter(stack(), 'Jobs', { queueName: 'jobs', maxReceiveCount: 0 })).toThrow(
      'Jobs: maxReceiveCount must be an integer from 1 to 1000 (got 0)',
    );
    expect(() => queueWithDeadLetter(stack(), 'Jobs', { queueName: 'jobs', maxReceiveCount: 5, retentionPeriod: Duration.days(10) })).toThrow(
      'Jobs: retentionPeriod 10 days leaves a dead letter less than 7 days in its DLQ',
    );
  });

  it("a function: its entry exists, timeout within 15 minutes, memory within Lambda's range", () => {
    const props = { serviceName: 's', description: 'd', timeout: Duration.minutes(20), memorySize: 64 };
    expect(() => new ConnectorFunction(stack(), 'Fn', { ...props, entry: 'functions/nowhere.ts' })).toThrow(
      /ConnectorFunction Fn: entry functions\/nowhere\.ts does not exist; timeout must be 1 s to 15 minutes \(got 1200 s\); memorySize must be 128 to 10240 MB \(got 64\)/,
    );
  });

  it('the claim-check bucket outlives every message that can point into it', () => {
    expect(() => new ClaimCheckBucket(stack(), 'Claims', { expiration: Duration.days(14) })).toThrow('ClaimCheckBucket Claims: expiration must exceed 14 days');
  });

  it('a table binding names at least one action and one key prefix', () => {
    const s = stack();
    const table = new Table(s, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const fn = new ConnectorFunction(s, 'Fn', {
      entry: 'functions/push/handler.ts',
      serviceName: 's',
      description: 'd',
      timeout: Duration.seconds(10),
      memorySize: 128,
    });
    expect(() => bind(fn, { env: 'T', table, access: { actions: [], keyPrefixes: ['x#'] } })).toThrow(
      'bind: a table binding needs at least one action and one key prefix',
    );
  });
});
