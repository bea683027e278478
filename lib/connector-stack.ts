// The connector for one stage: credentials, state, push and pull pipelines, monitoring.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { declaredResourcesOf, retainsData, type StageConfig, type StageName } from './config/stage-config';
import { ClaimCheckBucket } from './constructs/claim-check-bucket';
import { DmsaCredentials } from './constructs/dmsa-credentials';
import { Monitoring } from './constructs/monitoring';
import { PullPipeline, SYNC_JOBS_MAX_BACKLOG } from './constructs/pull-pipeline';
import { PushPipeline } from './constructs/push-pipeline';
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
    const shared = {
      commonEnvironment: commonEnvironment(stage, config),
      commonFiles: commonFiles(config),
      secret: this.credentials.secret,
      secretId: this.credentials.secretId,
      table: this.state.table,
      removalPolicy,
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
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      removalPolicy,
      deadLetterQueues: [
        { label: 'push DLQ', queue: push.deadLetterQueue },
        ...(push.resultsDeadLetterQueue ? [{ label: 'results DLQ', queue: push.resultsDeadLetterQueue }] : []),
        { label: 'sync jobs DLQ', queue: pull.jobsDeadLetterQueue },
        { label: 'records DLQ', queue: pull.recordsDeadLetterQueue },
        { label: 'planner failure queue', queue: pull.plannerFailureQueue },
        ...(hooks ? [{ label: 'webhook events DLQ', queue: hooks.eventsDeadLetterQueue }] : []),
      ],
      backlogQueues: [
        { label: 'push queue', queue: push.queue, maxAge: Duration.minutes(30) },
        { label: 'sync jobs queue', queue: pull.jobsQueue, maxAge: SYNC_JOBS_MAX_BACKLOG },
        { label: 'records queue', queue: pull.recordsQueue, maxAge: Duration.days(1) },
        ...(hooks ? [{ label: 'webhook events queue', queue: hooks.eventsQueue, maxAge: Duration.minutes(15) }] : []),
      ],
      functions: [
        { label: 'push', function: push.handler.function },
        { label: 'pull planner', function: pull.planner.function },
        { label: 'pull worker', function: pull.worker.function },
        ...(hooks
          ? [
              { label: 'webhook receiver', function: hooks.receiver.function },
              { label: 'webhook events', function: hooks.consumer.function },
            ]
          : []),
      ],
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('PushQueueUrl', push.queue.queueUrl, 'Upstream systems send push messages (version 1) here');
    output('PushDeadLetterQueueUrl', push.deadLetterQueue.queueUrl, 'Push messages that failed for good, with the reason as attributes');
    if (push.resultsQueue && push.resultsDeadLetterQueue) {
      output('ResultsQueueUrl', push.resultsQueue.queueUrl, 'One result per processed push message');
      output('ResultsDeadLetterQueueUrl', push.resultsDeadLetterQueue.queueUrl, 'Results a consumer failed to process');
    }
    output('RecordsQueueUrl', pull.recordsQueue.queueUrl, 'Pulled Procore records (record envelope version 1) for downstream consumers');
    output('RecordsDeadLetterQueueUrl', pull.recordsDeadLetterQueue.queueUrl, 'Records a downstream consumer failed to process');
    output('SyncJobsQueueUrl', pull.jobsQueue.queueUrl, 'Sync jobs from the planner to the workers');
    output('SyncJobsDeadLetterQueueUrl', pull.jobsDeadLetterQueue.queueUrl, 'Sync jobs that failed for good');
    output('PlannerFailureQueueUrl', pull.plannerFailureQueue.queueUrl, 'Planner runs that did not happen (undelivered schedule events, failed invocations)');
    output('StateTableName', this.state.table.tableName, 'Sync cursors, idempotency records, origin-key map');
    output('ClaimCheckBucketName', this.claimCheck.bucket.bucketName, 'Records too large for one message; record consumers need s3:GetObject here');
    output('PushFunctionName', push.handler.function.functionName, 'Push handler');
    output('PlannerFunctionName', pull.planner.function.functionName, 'Pull planner');
    output('WorkerFunctionName', pull.worker.function.functionName, 'Pull worker');
    if (hooks) {
      output('WebhookReceiverUrl', hooks.url.url, "Procore webhooks' destination URL (unless the stage config sets webhooks.destinationUrl)");
      output('WebhookEventsQueueUrl', hooks.eventsQueue.queueUrl, 'Authenticated Procore webhook events, between the receiver and its consumer');
      output('WebhookEventsDeadLetterQueueUrl', hooks.eventsDeadLetterQueue.queueUrl, 'Webhook events that failed for good');
      output('WebhookReceiverFunctionName', hooks.receiver.function.functionName, 'Webhook receiver');
      output('WebhookEventsFunctionName', hooks.consumer.function.functionName, 'Webhook events consumer');
    }
    output('AlarmTopicArn', this.monitoring.topic.topicArn, 'Alarm notifications');
  }
}
