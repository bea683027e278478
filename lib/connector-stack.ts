// The connector for one stage: credentials, state, push and pull pipelines, monitoring.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { declaredResourcesOf, retainsData, type StageConfig, type StageName } from './config/stage-config';
import { ClaimCheckBucket } from './constructs/claim-check-bucket';
import { DmsaCredentials } from './constructs/dmsa-credentials';
import { Monitoring } from './constructs/monitoring';
import { PullPipeline, SYNC_JOBS_MAX_BACKLOG } from './constructs/pull-pipeline';
import { PushPipeline } from './constructs/push-pipeline';
import type { SharedFunctionProps } from './constructs/shared-function-props';
import { StateTable } from './constructs/state-table';
import { WebhookReceiver } from './constructs/webhook-receiver';

export interface ConnectorStackProps extends StackProps {
  readonly stage: StageName;
  readonly config: StageConfig;
}

/**
 * The non-resource variables of CommonEnvSchema (functions/commons/config/runtime-env.ts) for every
 * function; the secret and the table come with their grants through `bind`.
 */
function commonEnvironment(stage: StageName, config: StageConfig): Record<string, string> {
  const procore = config.procore;
  return {
    CONNECTOR_STAGE: stage,
    PROCORE_ENVIRONMENT: procore.name,
    ...(procore.name === 'custom' ? { PROCORE_LOGIN_URL: procore.loginUrl, PROCORE_API_URL: procore.apiUrl } : {}),
    ...(Object.keys(config.resources).length > 0 ? { RESOURCES_FILE: DECLARED_RESOURCES_FILE } : {}),
  };
}

/** The stage's declared resources, bundled with every function (any size; the environment holds 4 KB): RESOURCES_FILE. */
const DECLARED_RESOURCES_FILE = 'resources.json';

/** JSON files bundled with every function's code. */
function commonFiles(config: StageConfig): Record<string, unknown> {
  const declared = declaredResourcesOf(config);
  return declared.length > 0 ? { [DECLARED_RESOURCES_FILE]: declared } : {};
}

/** A queue of the stack: its output, and whether monitoring watches it as a DLQ (label) or a backlog (label, maximum age). */
interface StackQueue {
  readonly output: string;
  readonly queue: IQueue;
  readonly about: string;
  readonly dlq?: string;
  readonly backlog?: readonly [label: string, maxAge: Duration];
}

/** A function of the stack: its output and its monitoring label. */
interface StackFunction {
  readonly output: string;
  readonly fn: IFunction;
  readonly about: string;
  readonly label: string;
}

// Each queue and function of the stack once: its stack output, and how monitoring watches it (a
// DLQ's depth, a backlog's age, a function's errors and throttles).
function stackQueues(push: PushPipeline, pull: PullPipeline, hooks: WebhookReceiver | undefined): StackQueue[] {
  return [
    {
      output: 'PushQueueUrl',
      queue: push.queue,
      about: 'Upstream systems send push messages (version 1) here',
      backlog: ['push queue', Duration.minutes(30)],
    },
    {
      output: 'PushDeadLetterQueueUrl',
      queue: push.deadLetterQueue,
      about: 'Push messages that failed for good, with the reason as attributes',
      dlq: 'push DLQ',
    },
    ...(push.resultsQueue && push.resultsDeadLetterQueue
      ? [
          { output: 'ResultsQueueUrl', queue: push.resultsQueue, about: 'One result per processed push message' },
          { output: 'ResultsDeadLetterQueueUrl', queue: push.resultsDeadLetterQueue, about: 'Results a consumer failed to process', dlq: 'results DLQ' },
        ]
      : []),
    {
      output: 'SyncJobsQueueUrl',
      queue: pull.jobsQueue,
      about: 'Sync jobs from the planner to the workers',
      backlog: ['sync jobs queue', SYNC_JOBS_MAX_BACKLOG],
    },
    { output: 'SyncJobsDeadLetterQueueUrl', queue: pull.jobsDeadLetterQueue, about: 'Sync jobs that failed for good', dlq: 'sync jobs DLQ' },
    {
      output: 'RecordsQueueUrl',
      queue: pull.recordsQueue,
      about: 'Pulled Procore records (record envelope version 1) for downstream consumers',
      backlog: ['records queue', Duration.days(1)],
    },
    { output: 'RecordsDeadLetterQueueUrl', queue: pull.recordsDeadLetterQueue, about: 'Records a downstream consumer failed to process', dlq: 'records DLQ' },
    {
      output: 'PlannerFailureQueueUrl',
      queue: pull.plannerFailureQueue,
      about: 'Planner runs that did not happen (undelivered schedule events, failed invocations)',
      dlq: 'planner failure queue',
    },
    ...(hooks
      ? [
          {
            output: 'WebhookEventsQueueUrl',
            queue: hooks.eventsQueue,
            about: 'Authenticated Procore webhook events, between the receiver and its consumer',
            backlog: ['webhook events queue', Duration.minutes(15)] as const,
          },
          {
            output: 'WebhookEventsDeadLetterQueueUrl',
            queue: hooks.eventsDeadLetterQueue,
            about: 'Webhook events that failed for good',
            dlq: 'webhook events DLQ',
          },
        ]
      : []),
  ];
}

function stackFunctions(push: PushPipeline, pull: PullPipeline, hooks: WebhookReceiver | undefined): StackFunction[] {
  return [
    { output: 'PushFunctionName', fn: push.handler.function, about: 'Push handler', label: 'push' },
    { output: 'PlannerFunctionName', fn: pull.planner.function, about: 'Pull planner', label: 'pull planner' },
    { output: 'WorkerFunctionName', fn: pull.worker.function, about: 'Pull worker', label: 'pull worker' },
    ...(hooks
      ? [
          { output: 'WebhookReceiverFunctionName', fn: hooks.receiver.function, about: 'Webhook receiver', label: 'webhook receiver' },
          { output: 'WebhookEventsFunctionName', fn: hooks.consumer.function, about: 'Webhook events consumer', label: 'webhook events' },
        ]
      : []),
  ];
}

export class ConnectorStack extends Stack {
  readonly credentials: DmsaCredentials;
  readonly state: StateTable;
  readonly claimCheck: ClaimCheckBucket;
  readonly push: PushPipeline;
  readonly pull: PullPipeline;
  readonly monitoring: Monitoring;
  /** Present when the stage's webhooks are enabled. */
  readonly webhooks?: WebhookReceiver;

  constructor(scope: Construct, id: string, props: ConnectorStackProps) {
    super(scope, id, props);
    const { stage, config } = props;
    const retain = retainsData(stage);
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.credentials = new DmsaCredentials(this, 'DmsaCredentials', {
      secret: config.dmsaSecret,
      ...(config.dmsaSecretKmsKeyArn ? { kmsKeyArn: config.dmsaSecretKmsKeyArn } : {}),
    });
    this.state = new StateTable(this, 'State', { retain });
    this.claimCheck = new ClaimCheckBucket(this, 'ClaimCheck', { removalPolicy });
    const shared: SharedFunctionProps = {
      commonEnvironment: commonEnvironment(stage, config),
      commonFiles: commonFiles(config),
      secret: this.credentials.secret,
      secretId: this.credentials.secretId,
      table: this.state.table,
      removalPolicy,
      tracing: config.tracing,
    };

    this.push = new PushPipeline(this, 'Push', { ...shared, config: config.push });
    const { schedule, ...sync } = config.sync;
    const webhooks = config.webhooks?.enabled ? config.webhooks : undefined;
    const reconcile = webhooks ? { resources: webhooks.resources, schedule: webhooks.reconcileSchedule } : undefined;
    this.pull = new PullPipeline(this, 'Pull', {
      ...shared,
      schedule,
      sync,
      worker: config.pullWorker,
      claimCheckBucket: this.claimCheck.bucket,
      ...(reconcile ? { reconcile } : {}),
    });
    if (webhooks) {
      this.webhooks = new WebhookReceiver(this, 'Webhooks', {
        ...shared,
        resources: webhooks.resources,
        headerSecret: webhooks.headerSecret,
        recordsQueue: this.pull.recordsQueue,
        claimCheckBucket: this.claimCheck.bucket,
      });
    }

    const { push, pull } = this;
    const hooks = this.webhooks;
    const queues = stackQueues(push, pull, hooks);
    const functions = stackFunctions(push, pull, hooks);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      removalPolicy,
      deadLetterQueues: queues.flatMap(({ queue, dlq }) => (dlq ? [{ label: dlq, queue }] : [])),
      backlogQueues: queues.flatMap(({ queue, backlog }) => (backlog ? [{ label: backlog[0], queue, maxAge: backlog[1] }] : [])),
      functions: functions.map(({ label, fn }) => ({ label, function: fn })),
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    for (const { output: id, queue, about } of queues) output(id, queue.queueUrl, about);
    for (const { output: id, fn, about } of functions) output(id, fn.functionName, about);
    output('StateTableName', this.state.table.tableName, 'Sync cursors, idempotency records, origin-key map');
    output('ClaimCheckBucketName', this.claimCheck.bucket.bucketName, 'Records too large for one message; record consumers need s3:GetObject here');
    if (hooks) output('WebhookReceiverUrl', hooks.url.url, "Procore webhooks' destination URL (unless the stage config sets webhooks.destinationUrl)");
    output('AlarmTopicArn', this.monitoring.topic.topicArn, 'Alarm notifications');
  }
}
