// Schedule -> planner -> sync-jobs queue -> worker -> records queue (-> downstream consumers).
// The planner splits the sync scope into jobs; Lambda's SQS scaling runs them, bounded by the
// event source's maximum concurrency so Procore's rate limit holds.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SyncConfig } from '../../functions/pull/sync-config';
import type { PullWorkerConfig } from '../config/stage-config';
import { acknowledgeSqsDrivenFunction, ConnectorFunction } from './connector-function';
import type { DmsaCredentials } from './dmsa-credentials';
import { eventSourceVisibilityTimeout, failureQueue, queueWithDeadLetter } from './queues';

/** Function memory in MB (the local function host caps its heap to match). */
export const PLANNER_MEMORY_MB = 256;
export const WORKER_MEMORY_MB = 512;
/** Default function timeouts in seconds (local hosts, the chaos runs and the bench use the same). */
export const PLANNER_TIMEOUT_SECONDS = 120;
export const WORKER_TIMEOUT_SECONDS = 300;

export interface PullPipelineProps {
  /** EventBridge rate(...) or cron(...) expression (validated in the stage config). */
  schedule: string;
  sync: SyncConfig;
  worker: PullWorkerConfig;
  commonEnvironment: Record<string, string>;
  credentials: DmsaCredentials;
  table: ITable;
  removalPolicy: RemovalPolicy;
  /** @default 2 minutes */
  plannerTimeout?: Duration;
  /** A worker re-enqueues the rest of its job as a continuation before this runs out. @default 5 minutes */
  workerTimeout?: Duration;
  /** How often a records consumer may fail a message before it goes to the records DLQ. @default 5 */
  recordsMaxReceiveCount?: number;
}

export class PullPipeline extends Construct {
  readonly jobsQueue: Queue;
  readonly jobsDeadLetterQueue: Queue;
  readonly recordsQueue: Queue;
  readonly recordsDeadLetterQueue: Queue;
  /** Planner runs that never happened: undeliverable schedule events and failed async invocations. */
  readonly plannerFailureQueue: Queue;
  readonly planner: ConnectorFunction;
  readonly worker: ConnectorFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: PullPipelineProps) {
    super(scope, id);
    const plannerTimeout = props.plannerTimeout ?? Duration.seconds(PLANNER_TIMEOUT_SECONDS);
    const workerTimeout = props.workerTimeout ?? Duration.seconds(WORKER_TIMEOUT_SECONDS);

    const jobs = queueWithDeadLetter(this, 'SyncJobs', {
      maxReceiveCount: props.worker.maxReceiveCount,
      visibilityTimeout: eventSourceVisibilityTimeout(workerTimeout),
      removalPolicy: props.removalPolicy,
    });
    this.jobsQueue = jobs.queue;
    this.jobsDeadLetterQueue = jobs.deadLetterQueue;

    const records = queueWithDeadLetter(this, 'Records', {
      maxReceiveCount: props.recordsMaxReceiveCount ?? 5,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    this.recordsQueue = records.queue;
    this.recordsDeadLetterQueue = records.deadLetterQueue;

    this.plannerFailureQueue = failureQueue(this, 'PlannerFailureQueue', props.removalPolicy);

    this.planner = new ConnectorFunction(this, 'Planner', {
      entry: 'functions/pull/planner-handler.ts',
      serviceName: 'procore-connector-pull-planner',
      description: 'Discovers companies, projects and resources in the sync scope and enqueues one sync job each',
      timeout: plannerTimeout,
      memorySize: PLANNER_MEMORY_MB,
      removalPolicy: props.removalPolicy,
      environment: {
        ...props.commonEnvironment,
        SYNC_JOBS_QUEUE_URL: this.jobsQueue.queueUrl,
        SYNC_CONFIG: JSON.stringify(props.sync),
      },
    });
    const planner = this.planner.function;
    planner.configureAsyncInvoke({
      onFailure: new SqsDestination(this.plannerFailureQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    Validations.of(planner).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The planner\'s asynchronous invocations have an on-failure destination (the planner failure queue), which records the error as well as the event; a DLQ would duplicate it.',
    });
    props.credentials.grantRead(planner);
    props.table.grantReadWriteData(planner);
    this.jobsQueue.grantSendMessages(planner);

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Starts a pull: the planner enqueues the sync jobs',
      schedule: Schedule.expression(props.schedule),
      targets: [
        new LambdaFunction(planner, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.plannerFailureQueue,
        }),
      ],
    });

    this.worker = new ConnectorFunction(this, 'Worker', {
      entry: 'functions/pull/worker-handler.ts',
      serviceName: 'procore-connector-pull-worker',
      description: 'Pages one sync job through Procore since its cursor and delivers the records',
      timeout: workerTimeout,
      memorySize: WORKER_MEMORY_MB,
      removalPolicy: props.removalPolicy,
      environment: {
        ...props.commonEnvironment,
        SYNC_JOBS_QUEUE_URL: this.jobsQueue.queueUrl,
        SYNC_JOBS_DLQ_URL: this.jobsDeadLetterQueue.queueUrl,
        RECORDS_QUEUE_URL: this.recordsQueue.queueUrl,
      },
    });
    const worker = this.worker.function;
    // One job per invocation: a job can take minutes, and a batch would share one timeout.
    worker.addEventSource(
      new SqsEventSource(this.jobsQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: props.worker.maxConcurrency,
      }),
    );
    acknowledgeSqsDrivenFunction(worker);
    props.credentials.grantRead(worker);
    props.table.grantReadWriteData(worker);
    this.recordsQueue.grantSendMessages(worker);
    this.jobsQueue.grantSendMessages(worker);
    this.jobsDeadLetterQueue.grantSendMessages(worker);
  }
}
