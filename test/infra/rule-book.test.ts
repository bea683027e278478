// The rule book: what AWS enforces and moto does not (topic policies, alarms, KMS key policies, IAM,
// Lambda's recursion detection and environment limit, SQS retention and redrive permissions...),
// asserted over the synthesized templates of both stages. Each rule has one fix in lib/ or cdk.json;
// undoing that fix fails the test named after the rule. README "What moto does not check" lists them.
// Both stages are synthesized with webhooks on (enableWebhooks), so the rules cover those functions too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { MAX_MESSAGE_BYTES } from '../../functions/commons/queues/message-size';
import { hashPartition } from '../../functions/pull/state/content-hashes';
import { syncStateKey } from '../../functions/pull/state/state-keys';
import { PlannerConfigSchema } from '../../functions/pull/sync-config';
import { PUSH_IDEMPOTENCY_KEY_PREFIX, pushIdempotencyConfig, pushIdempotencyStore } from '../../functions/push/state/idempotency';
import { originMapKey } from '../../functions/push/state/origin-map';
import { webhookEventKey } from '../../functions/webhooks/state/event-claims';
import { loadStageConfig, StageConfigError } from '../../lib/config/stage-config';
import { ConnectorFunction } from '../../lib/constructs/connector-function';
import { STATE_ACCESS, STATE_KEY_PREFIXES } from '../../lib/constructs/state-access';
import { handlerCalls, type HandlerCalls } from './handler-calls';
import {
  cdkJsonContext,
  enableWebhooks,
  filledInContext,
  logicalId,
  PRODUCTION_FILLED_IN,
  PROJECT_ROOT,
  removeSynthOutputs,
  synthStage,
  type SynthesizedStage,
} from './synth';
import {
  actionsOf,
  arnOf,
  allowsOn,
  deployedEnvironmentBytes,
  environmentOf,
  FUNCTION,
  FUNCTIONS,
  functionId,
  policyOf,
  QUEUE,
  render,
  resources,
  type FunctionPrefix,
  type Statement,
  tracingOf,
} from './template-queries';

const STAGES = ['sandbox', 'production'] as const;
const PREFIXES = Object.keys(FUNCTIONS) as FunctionPrefix[];
const DAY = 24 * 60 * 60;

const stages = {} as Record<(typeof STAGES)[number], SynthesizedStage>;
const calls = {} as Record<FunctionPrefix, HandlerCalls>;

beforeAll(async () => {
  for (const stage of STAGES) stages[stage] = synthStage(stage, { bundle: true, change: enableWebhooks });
  for (const prefix of PREFIXES) calls[prefix] = await handlerCalls(FUNCTIONS[prefix]);
}, 120000);

afterAll(removeSynthOutputs);

const stackAccount = (s: SynthesizedStage) => (s.stage === 'production' ? PRODUCTION_FILLED_IN.account : '$' + '{AWS::AccountId}');
const topicId = (s: SynthesizedStage) => logicalId(s.json, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');
const alarms = (s: SynthesizedStage) => resources(s, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const queueProps = (s: SynthesizedStage, id: string) => s.json.Resources[id].Properties;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** [source queue id, its DLQ id] for every queue with a redrive policy. */
function redrivePairs(s: SynthesizedStage): [string, string][] {
  return resources(s, QUEUE)
    .filter(([, q]) => q.Properties.RedrivePolicy)
    .map(([id, q]) => [id, q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string]);
}

/** Every queue that holds dead letters: redrive targets and the planner failure queue. */
function deadLetterQueueIds(s: SynthesizedStage): string[] {
  return [...redrivePairs(s).map(([, dlq]) => dlq), logicalId(s.json, QUEUE, 'PullPlannerFailureQueue')];
}

/** [queue id, function prefix, mapping properties] for every SQS event source mapping. */
function mappings(s: SynthesizedStage): [string, FunctionPrefix, any][] {
  return resources(s, 'AWS::Lambda::EventSourceMapping').map(([, m]) => {
    const fnId = m.Properties.FunctionName.Ref as string;
    const prefix = PREFIXES.find((p) => fnId.startsWith(p));
    if (!prefix) throw new Error(`event source mapping for an unknown function ${fnId}`);
    return [m.Properties.EventSourceArn['Fn::GetAtt'][0] as string, prefix, m.Properties];
  });
}

function stageConfigError(stage: 'sandbox' | 'production', change: (config: Record<string, any>) => void): string {
  const context = filledInContext();
  change(context.stages[stage]);
  try {
    loadStageConfig({ stage, stages: context.stages });
  } catch (error) {
    expect(error).toBeInstanceOf(StageConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a StageConfigError');
}

it('the rule book covers the stack: five functions (webhooks on), each with its handler', () => {
  for (const stage of STAGES) expect(resources(stages[stage], FUNCTION).length).toBe(PREFIXES.length);
});

describe('alarms reach a person', () => {
  it.each(STAGES)('%s: the alarm topic lets CloudWatch publish, for alarms of this account and stack only', (stage) => {
    const s = stages[stage];
    const [, policy] = resources(s, 'AWS::SNS::TopicPolicy').find(([, p]) => p.Properties.Topics.some((t: any) => t.Ref === topicId(s)))!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    const publish = statements.find((st) => st.Effect === 'Allow' && JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
    expect(publish).toBeDefined();
    expect(actionsOf(publish!)).toEqual(['sns:Publish']);
    expect(render(publish!.Condition?.StringEquals?.['aws:SourceAccount'])).toBe(stackAccount(s));
    const sourceArn = render(publish!.Condition?.ArnLike?.['aws:SourceArn']);
    const alarmPrefix = `${s.stack.stackName}-`;
    expect(sourceArn).toMatch(new RegExp(`:cloudwatch:.+:${escapeRegExp(stackAccount(s))}:alarm:${escapeRegExp(alarmPrefix)}\\*$`));
    // The statement covers every alarm: each is named under the prefix and notifies this topic.
    expect(alarms(s).length).toBeGreaterThan(10);
    for (const alarm of alarms(s)) {
      expect(alarm.AlarmName.startsWith(alarmPrefix)).toBe(true);
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId(s) }]);
    }
    // enforceSSL's deny stays beside it.
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it.each(STAGES)("%s: the topic's KMS key lets CloudWatch encrypt and decrypt alarm messages", (stage) => {
    const s = stages[stage];
    const keyId = logicalId(s.json, 'AWS::KMS::Key', 'MonitoringTopicKey');
    expect(s.json.Resources[topicId(s)].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const statements = s.json.Resources[keyId].Properties.KeyPolicy.Statement as Statement[];
    const cloudwatch = statements.filter(
      (st) => st.Effect === 'Allow' && JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    );
    expect(cloudwatch.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  it.each(STAGES)('%s: every dead-letter queue alarms on its first message and again whenever more arrive while it holds some', (stage) => {
    const s = stages[stage];
    for (const dlq of deadLetterQueueIds(s)) {
      const queueName = { 'Fn::GetAtt': [dlq, 'QueueName'] };
      const onQueue = (a: any) => JSON.stringify(a).includes(JSON.stringify(queueName));
      const level = alarms(s).filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && onQueue(a));
      expect(level).toEqual([expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' })]);
      const growth = alarms(s).filter((a) => a.Metrics && onQueue(a));
      expect(growth).toHaveLength(1);
      const expression = growth[0].Metrics.find((m: any) => m.Expression)?.Expression as string;
      expect(expression).toContain('DIFF(visible) > 0');
      expect(growth[0].Metrics).toContainEqual(
        expect.objectContaining({
          Id: 'visible',
          MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ MetricName: 'ApproximateNumberOfMessagesVisible' }) }),
        }),
      );
      expect(growth[0]).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId(s) }],
      });
    }
  });

  it('production e-mails a real address; a placeholder or example address stops synth, naming alarmEmail', () => {
    stages.production.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: PRODUCTION_FILLED_IN.alarmEmail });
    for (const email of ['ops@example.com', 'alerts@mail.example.org', 'me@company.test', '<e-mail address for alarms>']) {
      expect(stageConfigError('production', (c) => (c.alarmEmail = email))).toMatch(/^stages\.production\.alarmEmail: /m);
      expect(stageConfigError('sandbox', (c) => (c.alarmEmail = email))).toMatch(/^stages\.sandbox\.alarmEmail: /m);
    }
    expect(stageConfigError('production', (c) => delete c.alarmEmail)).toContain(
      'stages.production.alarmEmail: production needs an e-mail address for the alarms',
    );
  });
});

describe('queues', () => {
  it.each(STAGES)("%s: every queue's maximum message size is MAX_MESSAGE_BYTES (1 MiB), the constant the code sizes its messages by", (stage) => {
    expect(MAX_MESSAGE_BYTES).toBe(1_048_576);
    const queues = resources(stages[stage], QUEUE);
    expect(queues.length).toBe(11);
    for (const [, queue] of queues) expect(queue.Properties.MaximumMessageSize).toBe(MAX_MESSAGE_BYTES);
  });

  it.each(STAGES)('%s: every DLQ keeps its messages (14 days from first enqueue) at least 7 days longer than its source queue', (stage) => {
    const s = stages[stage];
    expect(redrivePairs(s).length).toBe(5);
    for (const [source, dlq] of redrivePairs(s)) {
      const sourceRetention = queueProps(s, source).MessageRetentionPeriod;
      expect(typeof sourceRetention).toBe('number');
      expect(queueProps(s, dlq).MessageRetentionPeriod).toBe(14 * DAY);
      expect(14 * DAY - sourceRetention).toBeGreaterThanOrEqual(7 * DAY);
    }
    expect(queueProps(s, logicalId(s.json, QUEUE, 'PullPlannerFailureQueue')).MessageRetentionPeriod).toBe(14 * DAY);
  });

  it.each(STAGES)('%s: every DLQ accepts redrive from its own source queue only; no queue may dead-letter into the planner failure queue', (stage) => {
    const s = stages[stage];
    for (const [source, dlq] of redrivePairs(s)) {
      const policy = queueProps(s, dlq).RedriveAllowPolicy;
      expect(policy.redrivePermission).toBe('byQueue');
      expect(policy.sourceQueueArns).toHaveLength(1);
      expect(render(policy.sourceQueueArns[0])).toMatch(
        new RegExp(`:sqs:.+:${escapeRegExp(stackAccount(s))}:${escapeRegExp(queueProps(s, source).QueueName)}$`),
      );
    }
    expect(queueProps(s, logicalId(s.json, QUEUE, 'PullPlannerFailureQueue')).RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
  });

  it.each(STAGES)('%s: every queue a Lambda function consumes takes at least 5 receives before its DLQ', (stage) => {
    const s = stages[stage];
    expect(mappings(s).length).toBe(3);
    for (const [queue] of mappings(s)) expect(queueProps(s, queue).RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(stageConfigError(stage, (c) => (c.pullWorker.maxReceiveCount = 4))).toMatch(
      new RegExp(`^stages\\.${stage}\\.pullWorker\\.maxReceiveCount: must be at least 5`, 'm'),
    );
    expect(stageConfigError(stage, (c) => (c.push.maxReceiveCount = 3))).toMatch(
      new RegExp(`^stages\\.${stage}\\.push\\.maxReceiveCount: must be at least 5`, 'm'),
    );
  });

  it.each(STAGES)("%s: every queue a Lambda function consumes redrives one receive after the function's attempts (MAX_ATTEMPTS + 1)", (stage) => {
    const s = stages[stage];
    for (const [queue, prefix] of mappings(s)) {
      const attempts = Number(environmentOf(s, prefix).MAX_ATTEMPTS);
      expect({ prefix, attempts: attempts >= 5, redrive: queueProps(s, queue).RedrivePolicy.maxReceiveCount }).toEqual({
        prefix,
        attempts: true,
        redrive: attempts + 1,
      });
    }
  });

  it.each(STAGES)(
    "%s: a scope's lease (SYNC_LEASE_SECONDS) outlasts every redelivery of its job: maxReceiveCount x visibility + the backlog alarm's age",
    (stage) => {
      const s = stages[stage];
      const [jobsQueue] = mappings(s).find(([, prefix]) => prefix === 'PullWorker')!;
      const { VisibilityTimeout, RedrivePolicy } = queueProps(s, jobsQueue);
      const span = RedrivePolicy.maxReceiveCount * VisibilityTimeout + 2 * 3600;
      for (const prefix of ['PullPlanner', 'PullWorker'] as const) {
        expect({ prefix, lease: Number(environmentOf(s, prefix).SYNC_LEASE_SECONDS) }).toEqual({ prefix, lease: span });
      }
    },
  );

  it.each(STAGES)("%s: every consumed queue's visibility timeout is at least 6 x its function's timeout plus the batching window", (stage) => {
    const s = stages[stage];
    for (const [queue, prefix, mapping] of mappings(s)) {
      const timeout = s.json.Resources[functionId(s, prefix)].Properties.Timeout as number;
      expect(queueProps(s, queue).VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout + (mapping.MaximumBatchingWindowInSeconds ?? 0));
    }
  });
});

describe('configuration of any size', () => {
  it.each(STAGES)("%s: every function's environment stays well under Lambda's 4 KB once deployed", (stage) => {
    for (const prefix of PREFIXES) {
      // Each reference (a queue URL, table or bucket name) counted at 256 bytes: more than any takes.
      expect(deployedEnvironmentBytes(environmentOf(stages[stage], prefix), 256)).toBeLessThan(3072);
    }
  });

  it.each(STAGES)("%s: the sync scope travels in the planner's code asset, not in its environment", (stage) => {
    const s = stages[stage];
    const env = environmentOf(s, 'PullPlanner');
    expect(env.SYNC_CONFIG).toBeUndefined();
    expect(env.SYNC_CONFIG_FILE).toBe('sync-config.json');
    const code = s.json.Resources[functionId(s, 'PullPlanner')].Properties.Code;
    const bundled = readFileSync(path.join(s.outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`, 'sync-config.json'), 'utf8');
    const { schedule: _schedule, ...scope } = s.config.sync;
    expect(PlannerConfigSchema.parse(JSON.parse(bundled))).toEqual({ ...scope, reconciledResources: s.config.webhooks!.resources });
  });

  it('a sync scope of 5,000 explicit projects synthesizes, and every environment stays as small', () => {
    const projects = Array.from({ length: 5000 }, (_, i) => 100000 + i);
    const s = synthStage('sandbox', {
      change: (c) => {
        enableWebhooks(c);
        c.sync.projects = projects;
      },
    });
    for (const prefix of PREFIXES) {
      expect(deployedEnvironmentBytes(environmentOf(s, prefix), 256)).toBe(deployedEnvironmentBytes(environmentOf(stages.sandbox, prefix), 256));
    }
  });

  it('an environment past 3 KB stops synth, naming the function', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: mkdtempSync(path.join(tmpdir(), 'cdk-env-')) });
    const stack = new Stack(app, 'EnvLimit');
    new ConnectorFunction(stack, 'Crowded', {
      entry: 'functions/push/handler.ts',
      serviceName: 'crowded',
      description: 'an environment too large for Lambda',
      timeout: Duration.seconds(10),
      memorySize: 128,
      environment: { SYNC_CONFIG: JSON.stringify({ projects: Array.from({ length: 400 }, (_, i) => 1000000 + i) }) },
    });
    expect(() => app.synth()).toThrow(/EnvLimit\/Crowded[\s\S]*environment variables may take \d+ bytes once deployed; Lambda allows 4096/);
    rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('pinned stages', () => {
  it('production as shipped stops `cdk synth -c stage=production`, naming account, region and alarmEmail', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-shipped-'));
    const result = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), stage: 'production' }), CDK_OUTDIR: outdir },
      encoding: 'utf8',
    });
    rmSync(outdir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid stage configuration in cdk.json:');
    for (const field of ['account', 'region', 'alarmEmail']) {
      expect(result.stderr).toMatch(new RegExp(`^stages\\.production\\.${field}: ".*" is the placeholder of the shipped cdk\\.json: put .+ here$`, 'm'));
    }
  });

  it('production without account or region stops synth naming the field; bad values too', () => {
    expect(stageConfigError('production', (c) => delete c.account)).toContain('stages.production.account: production needs the AWS account to deploy into');
    expect(stageConfigError('production', (c) => delete c.region)).toContain('stages.production.region: production needs the AWS region to deploy into');
    expect(stageConfigError('production', (c) => (c.account = '12345'))).toContain('stages.production.account: must be a 12-digit AWS account id');
    expect(stageConfigError('sandbox', (c) => (c.region = 'Ireland'))).toContain('stages.sandbox.region: must be an AWS region code');
  });

  it.each(STAGES)('%s: production is pinned to its account and region with termination protection; sandbox deploys wherever the shell points', (stage) => {
    const s = stages[stage];
    const artifact = s.app.synth().getStackByName(s.stack.stackName);
    if (stage === 'production') {
      expect(artifact.environment).toMatchObject({ account: PRODUCTION_FILLED_IN.account, region: PRODUCTION_FILLED_IN.region });
      expect(artifact.terminationProtection).toBe(true);
    } else {
      expect(artifact.environment).toMatchObject({ account: 'unknown-account', region: 'unknown-region' });
      expect(artifact.terminationProtection).toBeFalsy();
    }
  });

  it('the discoveryCompanyId placeholder 1234567 stops synth naming the field; leaving it out is allowed', () => {
    for (const stage of STAGES) {
      expect(stageConfigError(stage, (c) => (c.sync.discoveryCompanyId = 1234567))).toMatch(
        new RegExp(`^stages\\.${stage}\\.sync\\.discoveryCompanyId: 1234567 is a placeholder`, 'm'),
      );
      expect(cdkJsonContext().stages[stage].sync).not.toHaveProperty('discoveryCompanyId');
    }
  });

  it('cdk.json records every feature flag the pinned aws-cdk-lib recommends, at the recommended value', () => {
    const recommended = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', 'aws-cdk-lib', 'recommended-feature-flags.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const context = cdkJsonContext() as Record<string, unknown>;
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    for (const [flag, value] of Object.entries(recommended)) expect({ flag, value: context[flag] }).toEqual({ flag, value });
  });
});

describe('least privilege', () => {
  const tableId = (s: SynthesizedStage) => logicalId(s.json, 'AWS::DynamoDB::Table', 'State');
  const dynamoStatements = (s: SynthesizedStage, prefix: FunctionPrefix) =>
    policyOf(s, prefix).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
  const access: Record<FunctionPrefix, readonly { actions: readonly string[]; keyPrefixes: readonly string[] }[]> = {
    PushHandler: [STATE_ACCESS.push],
    PullPlanner: [STATE_ACCESS.planner],
    PullWorker: [STATE_ACCESS.worker],
    // The receiver keeps no state: no table grant at all.
    WebhooksReceiver: [],
    // Its claims, and (another statement) the delivered markers: neither action reaches the other's keys.
    WebhooksConsumer: [STATE_ACCESS.webhookEvents, STATE_ACCESS.webhookMarkers],
  };

  it.each(STAGES)('%s: each function may call exactly the DynamoDB actions its code calls', (stage) => {
    for (const prefix of PREFIXES) {
      const used = calls[prefix].actions.filter((a) => a.startsWith('dynamodb:'));
      const granted = [...new Set(dynamoStatements(stages[stage], prefix).flatMap(actionsOf))].sort();
      expect({ prefix, granted }).toEqual({ prefix, granted: used });
    }
  });

  it.each(STAGES)('%s: each function reaches only its own state-table key prefixes (dynamodb:LeadingKeys)', (stage) => {
    const s = stages[stage];
    for (const prefix of PREFIXES) {
      const statements = dynamoStatements(s, prefix);
      const granted = access[prefix];
      expect({ prefix, statements: statements.length }).toEqual({ prefix, statements: granted.length });
      const wanted = granted.map((g) => ({
        actions: g.actions.map((a) => `dynamodb:${a}`).sort(),
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': g.keyPrefixes.map((p) => `${p}*`) } },
      }));
      for (const st of statements) {
        expect(st.Resource).toEqual({ 'Fn::GetAtt': [tableId(s), 'Arn'] });
        expect(wanted).toContainEqual({ actions: actionsOf(st).sort(), condition: st.Condition });
      }
    }
  });

  it('the state-key builders write under the prefixes the grants name', () => {
    for (const kind of ['cursor', 'lease', 'checkpoint', 'failure'] as const) {
      expect(syncStateKey(kind, { companyId: 42, projectId: 7, resource: 'rfis' }).pk.startsWith(STATE_KEY_PREFIXES.sync)).toBe(true);
    }
    expect(originMapKey({ companyId: 42, resource: 'vendors', originId: 'ERP-1' }).pk.startsWith(STATE_KEY_PREFIXES.pushOrigin)).toBe(true);
    const store = pushIdempotencyStore({ tableName: 'state', client: new DynamoDBClient({ region: 'us-east-1' }) });
    store.configure({ config: pushIdempotencyConfig(), keyPrefix: PUSH_IDEMPOTENCY_KEY_PREFIX });
    const hashed = (store as unknown as { getHashedIdempotencyKey(data: unknown): string }).getHashedIdempotencyKey({ id: 'erp-1' });
    expect(hashed.startsWith(STATE_KEY_PREFIXES.pushIdempotency)).toBe(true);
    expect(hashed.startsWith(STATE_KEY_PREFIXES.pushOrigin)).toBe(false);
    expect(webhookEventKey('01HZX3K4Q8T7V6W5X4Y3Z2A1B0').pk.startsWith(STATE_KEY_PREFIXES.webhookEvent)).toBe(true);
    // The markers' grant is a StringLike pattern: it matches a scope's hash partition, and not the company partition.
    const like = (pattern: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}.*$`,
      );
    const markers = like(STATE_KEY_PREFIXES.scopeHashes);
    expect(markers.test(hashPartition({ companyId: 42, projectId: 7, resource: 'rfis' }))).toBe(true);
    expect(markers.test(hashPartition({ companyId: 42, projectId: null, resource: 'vendors' }))).toBe(true);
    expect(markers.test(syncStateKey('cursor', { companyId: 42, projectId: 7, resource: 'rfis' }).pk)).toBe(false);
  });

  it.each(STAGES)("%s: every SQS and S3 call in a handler's code is granted, on a named resource", (stage) => {
    for (const prefix of PREFIXES) {
      expect({ prefix, unknown: calls[prefix].unknownCommands }).toEqual({ prefix, unknown: [] });
      const statements = policyOf(stages[stage], prefix);
      for (const action of calls[prefix].actions.filter((a) => !a.startsWith('dynamodb:'))) {
        const granted = statements.some((st) => st.Effect === 'Allow' && actionsOf(st).includes(action) && st.Resource !== '*');
        expect({ prefix, action, granted }).toEqual({ prefix, action, granted: true });
      }
    }
  });

  it('a customer managed key on the DMSA secret adds kms:Decrypt on that key, through Secrets Manager only; none without it', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const s = synthStage('production', {
      change: (c) => {
        enableWebhooks(c);
        c.dmsaSecretKmsKeyArn = keyArn;
      },
    });
    // The receiver reads the webhook header secret, never the DMSA secret.
    expect(policyOf(s, 'WebhooksReceiver').some((st) => actionsOf(st).includes('kms:Decrypt'))).toBe(false);
    for (const prefix of PREFIXES.filter((p) => p !== 'WebhooksReceiver')) {
      const decrypt = policyOf(s, prefix).filter((st) => actionsOf(st).includes('kms:Decrypt'));
      expect(decrypt).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Resource: keyArn,
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
        }),
      ]);
      for (const stage of STAGES) expect(policyOf(stages[stage], prefix).some((st) => actionsOf(st).some((a) => a.startsWith('kms:')))).toBe(false);
    }
    expect(stageConfigError('sandbox', (c) => (c.dmsaSecretKmsKeyArn = 'alias/dmsa'))).toContain('stages.sandbox.dmsaSecretKmsKeyArn: must be a KMS key ARN');
  });
});

describe('constructs', () => {
  it.each(STAGES)('%s: every resource a handler is told about (queue URL, table, bucket) comes with a grant on it', (stage) => {
    const s = stages[stage];
    let bound = 0;
    for (const prefix of PREFIXES) {
      const statements = policyOf(s, prefix);
      for (const [name, value] of Object.entries(environmentOf(s, prefix))) {
        const ref = (value as { Ref?: string }).Ref;
        if (!ref) continue;
        const type = s.json.Resources[ref].Type as string;
        const service = { 'AWS::SQS::Queue': 'sqs:', 'AWS::DynamoDB::Table': 'dynamodb:', 'AWS::S3::Bucket': 's3:' }[type];
        expect({ prefix, name, type, known: service !== undefined }).toEqual({ prefix, name, type, known: true });
        const granted = statements.some(
          (st) => st.Effect === 'Allow' && actionsOf(st).some((a) => a.startsWith(service!)) && JSON.stringify(st.Resource).includes(`"${ref}"`),
        );
        expect({ prefix, name, granted }).toEqual({ prefix, name, granted: true });
        bound += 1;
      }
    }
    expect(bound).toBeGreaterThanOrEqual(10);
  });
});

describe('tracing and loops', () => {
  it.each(STAGES)(
    '%s: every function traces as the stage says (active tracing and its X-Ray grant unless "off", Powertools Tracer only with "subsegments") and every handler wraps itself in Tracer, so "subsegments" reaches each',
    (stage) => {
      const s = stages[stage];
      const { tracing } = s.config;
      for (const prefix of PREFIXES) {
        expect({ prefix, ...tracingOf(s, prefix) }).toEqual({
          prefix,
          mode: tracing === 'off' ? undefined : 'Active',
          traceEnabled: tracing === 'subsegments' ? undefined : 'false',
          onEveryResource: tracing === 'off' ? [] : ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        });
        expect({ prefix, wrapped: calls[prefix].traces }).toEqual({ prefix, wrapped: true });
      }
    },
  );

  it.each(STAGES)('%s: a function that enqueues onto its own trigger queue allows the loop under its own bound; the others stop loops', (stage) => {
    const s = stages[stage];
    let chains = 0;
    for (const [queue, prefix] of mappings(s)) {
      const props = s.json.Resources[functionId(s, prefix)].Properties;
      if (allowsOn(policyOf(s, prefix), 'sqs:SendMessage', queue)) {
        chains += 1;
        expect({ prefix, loop: props.RecursiveLoop }).toEqual({ prefix, loop: 'Allow' });
        expect(Number(props.Environment.Variables.MAX_CONTINUATIONS)).toBe(s.config.pullWorker.maxContinuations);
      } else {
        expect({ prefix, loop: props.RecursiveLoop }).toEqual({ prefix, loop: 'Terminate' });
      }
    }
    expect(chains).toBe(1);
    expect(s.json.Resources[functionId(s, 'PullPlanner')].Properties.RecursiveLoop).toBe('Terminate');
  });
});

describe('claim-check bucket', () => {
  it.each(STAGES)(
    '%s: encrypted, TLS-only, private, objects expire after messages can; only the record producers (worker, webhook consumer) may use it',
    (stage) => {
      const s = stages[stage];
      const bucketId = logicalId(s.json, 'AWS::S3::Bucket', 'ClaimCheck');
      const bucket = s.json.Resources[bucketId].Properties;
      expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]);
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const [rule] = bucket.LifecycleConfiguration.Rules;
      expect(rule).toMatchObject({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
      expect(rule.ExpirationInDays).toBeGreaterThan(14);
      const [, policy] = resources(s, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      for (const prefix of PREFIXES) {
        const onBucket = policyOf(s, prefix).filter((st) => JSON.stringify(st.Resource).includes(`"${bucketId}"`));
        if (prefix === 'PullWorker' || prefix === 'WebhooksConsumer') {
          expect(onBucket.flatMap(actionsOf).sort()).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject']);
          // Their code sends PutObject and GetObject as signed requests, not S3 SDK commands (s3-objects.ts):
          // still found, so the grant test above holds them to it.
          expect(calls[prefix].actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject', 's3:PutObject']);
        } else expect(onBucket).toEqual([]);
      }
      expect(environmentOf(s, 'PullWorker').CLAIM_CHECK_BUCKET).toEqual({ Ref: bucketId });
      expect(environmentOf(s, 'WebhooksConsumer').CLAIM_CHECK_BUCKET).toEqual({ Ref: bucketId });
    },
  );
});

describe('webhook receiver', () => {
  it.each(STAGES)(
    '%s: the public function URL may be invoked: lambda:InvokeFunctionUrl (auth NONE) and lambda:InvokeFunction via the URL, and nothing else is public',
    (stage) => {
      const s = stages[stage];
      const receiver = functionId(s, 'WebhooksReceiver');
      const [, url] = resources(s, 'AWS::Lambda::Url').find(([, u]) => u.Properties.TargetFunctionArn['Fn::GetAtt'][0] === receiver)!;
      expect(url.Properties.AuthType).toBe('NONE');
      const publicPermissions = resources(s, 'AWS::Lambda::Permission')
        .map(([, p]) => p.Properties)
        .filter((p) => p.Principal === '*');
      // Since October 2025 a new function URL needs both (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
      expect(publicPermissions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE', FunctionName: arnOf(receiver) }),
          expect.objectContaining({ Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true, FunctionName: arnOf(receiver) }),
        ]),
      );
      expect(publicPermissions).toHaveLength(2);
    },
  );

  it.each(STAGES)("%s: the receiver answers within Procore's 5 s and is throttled by reserved concurrency; no other function reserves any", (stage) => {
    const s = stages[stage];
    for (const prefix of PREFIXES) {
      const props = s.json.Resources[functionId(s, prefix)].Properties;
      if (prefix === 'WebhooksReceiver') {
        expect(props.Timeout).toBeLessThan(5);
        expect(props.ReservedConcurrentExecutions).toBeGreaterThan(0);
        expect(props.ReservedConcurrentExecutions).toBeLessThanOrEqual(10);
      } else expect({ prefix, reserved: props.ReservedConcurrentExecutions }).toEqual({ prefix, reserved: undefined });
    }
  });
});
