// Schedule -> planner -> sync-jobs queue -> worker -> records queue (-> downstream consumers).
// The planner splits the sync scope into jobs; Lambda's SQS scaling runs them, bounded by the
// event source's maximum concurrency so Procore's rate limit holds.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { redriveMaxReceiveCount } from '../../functions/commons/failure/decisions';
import { leaseSeconds } from '../../functions/pull/lease-duration';
import { RECONCILE_EVENT_MARKER } from '../../functions/pull/cadence/run-resources';
import type { ResourceName } from '../../functions/commons/resources/names';
import type { PlannerConfig, SyncConfig } from '../../functions/pull/sync-config';
import type { PullWorkerConfig } from '../config/stage-config';
import { bind } from './bind';
import { bundledJsonFiles, withFiles } from './bundled-json';
import { acknowledgeSqsDrivenFunction, ConnectorFunction, FUNCTION_BUNDLING } from './connector-function';
import { eventSourceVisibilityTimeout, failureQueue, queueWithDeadLetter } from './queues';
import { bindDmsaSecret, bindRecordDelivery, type SharedFunctionProps } from './shared-function-props';
import { STATE_ACCESS } from './state-access';

/** Function memory in MB (the local function host caps its heap to match). */
export const PLANNER_MEMORY_MB = 256;
export const WORKER_MEMORY_MB = 512;
/** Default function timeouts in seconds (local hosts, the chaos runs and the bench use the same). */
export const PLANNER_TIMEOUT_SECONDS = 120;
export const WORKER_TIMEOUT_SECONDS = 300;
/** The planner's sync scope, bundled beside its handler (bundled-json.ts): SYNC_CONFIG_FILE. */
const SYNC_CONFIG_FILE = 'sync-config.json';
/** How long a sync job may wait in its queue: the backlog alarm's age, and part of the lease span. */
export const SYNC_JOBS_MAX_BACKLOG = Duration.hours(2);

export interface PullPipelineProps extends SharedFunctionProps {
  /** EventBridge rate(...) or cron(...) expression (validated in the stage config). */
  readonly schedule: string;
  /** The sync scope the planner expands into jobs; any size (bundled with the planner, not in its environment). */
  readonly sync: SyncConfig;
  /**
   * Resources whose changes arrive by webhook: their scheduled pull (reconciliation) runs on this
   * schedule instead of `schedule` (functions/pull/cadence/run-resources.ts). @default none
   */
  readonly reconcile?: { readonly resources: readonly ResourceName[]; readonly schedule: string };
  /** Worker event source settings and the continuation bound (validated in the stage config). */
  readonly worker: PullWorkerConfig;
  /** Where the worker puts records too large for one message (claim checks). */
  readonly claimCheckBucket: IBucket;
  /** @default 2 minutes */
  readonly plannerTimeout?: Duration;
  /** A worker re-enqueues the rest of its job as a continuation before this runs out. @default 5 minutes */
  readonly workerTimeout?: Duration;
  /** How often a records consumer may fail a message before it goes to the records DLQ. @default 5 */
  readonly recordsMaxReceiveCount?: number;
  /**
   * How long records wait for a downstream consumer. The records DLQ keeps 14 days from the
   * original enqueue time, so this leaves a dead-lettered record at least 7 days there.
   * @default 7 days
   */
  readonly recordsRetention?: Duration;
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
  /** Starts the reconciliation pull of the webhook resources (present with `reconcile`). */
  readonly reconcileSchedule?: Rule;

  constructor(scope: Construct, id: string, props: PullPipelineProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const plannerTimeout = props.plannerTimeout ?? Duration.seconds(PLANNER_TIMEOUT_SECONDS);
    const workerTimeout = props.workerTimeout ?? Duration.seconds(WORKER_TIMEOUT_SECONDS);

    const jobs = queueWithDeadLetter(this, 'SyncJobs', {
      queueName: 'sync-jobs',
      // The worker's attempts plus the spare receive that dead-letters a job whose last attempt died.
      maxReceiveCount: redriveMaxReceiveCount(props.worker.maxReceiveCount),
      visibilityTimeout: eventSourceVisibilityTimeout(workerTimeout),
      removalPolicy,
    });
    this.jobsQueue = jobs.queue;
    this.jobsDeadLetterQueue = jobs.deadLetterQueue;

    const records = queueWithDeadLetter(this, 'Records', {
      queueName: 'records',
      maxReceiveCount: props.recordsMaxReceiveCount ?? 5,
      retentionPeriod: props.recordsRetention ?? Duration.days(7),
      removalPolicy,
    });
    this.recordsQueue = records.queue;
    this.recordsDeadLetterQueue = records.deadLetterQueue;

    this.plannerFailureQueue = failureQueue(this, 'PlannerFailureQueue', { queueName: 'planner-failures', removalPolicy });
    // A scope's lease must outlast every redelivery of its job message (functions/pull/lease-duration.ts).
    const leaseEnv = {
      SYNC_LEASE_SECONDS: String(
        leaseSeconds({
          maxReceiveCount: redriveMaxReceiveCount(props.worker.maxReceiveCount),
          visibilityTimeoutSeconds: eventSourceVisibilityTimeout(workerTimeout).toSeconds(),
          backlogSeconds: SYNC_JOBS_MAX_BACKLOG.toSeconds(),
        }),
      ),
    };
    this.planner = this.plannerFunction(props, plannerTimeout, removalPolicy, leaseEnv);
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Starts a pull: the planner enqueues the sync jobs',
      schedule: Schedule.expression(props.schedule),
      targets: [
        new LambdaFunction(this.planner.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.plannerFailureQueue,
        }),
      ],
    });
    if (props.reconcile) {
      // The scheduled event as EventBridge sends it, plus the marker that makes the run a reconciliation.
      const event = RuleTargetInput.fromObject({
        version: '0',
        id: EventField.eventId,
        'detail-type': 'Scheduled Event',
        source: EventField.source,
        account: EventField.account,
        time: EventField.time,
        region: EventField.region,
        resources: [],
        detail: {},
        connector: RECONCILE_EVENT_MARKER,
      });
      this.reconcileSchedule = new Rule(this, 'ReconcileSchedule', {
        description: 'Starts the reconciliation pull of the resources whose changes arrive by webhook',
        schedule: Schedule.expression(props.reconcile.schedule),
        targets: [
          new LambdaFunction(this.planner.function, { event, retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: this.plannerFailureQueue }),
        ],
      });
    }
    this.worker = this.workerFunction(props, workerTimeout, removalPolicy, leaseEnv);
  }

  private plannerFunction(props: PullPipelineProps, timeout: Duration, removalPolicy: RemovalPolicy, leaseEnv: Record<string, string>): ConnectorFunction {
    const plannerConfig: PlannerConfig = { ...props.sync, reconciledResources: [...(props.reconcile?.resources ?? [])] };
    const planner = new ConnectorFunction(this, 'Planner', {
      entry: 'functions/pull/planner-handler.ts',
      serviceName: 'procore-connector-pull-planner',
      description: 'Discovers companies, projects and resources in the sync scope and enqueues one sync job each',
      timeout,
      memorySize: PLANNER_MEMORY_MB,
      removalPolicy,
      tracing: props.tracing,
      environment: { ...props.commonEnvironment, ...leaseEnv, SYNC_CONFIG_FILE },
      bundling: { ...FUNCTION_BUNDLING, commandHooks: bundledJsonFiles(this, { ...props.commonFiles, [SYNC_CONFIG_FILE]: plannerConfig }) },
    });
    planner.function.configureAsyncInvoke({
      onFailure: new SqsDestination(this.plannerFailureQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    Validations.of(planner.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "The planner's asynchronous invocations have an on-failure destination (the planner failure queue), which records the error as well as the event; a DLQ would duplicate it.",
    });
    bindDmsaSecret(planner, props);
    bind(planner, { env: 'STATE_TABLE_NAME', table: props.table, access: STATE_ACCESS.planner });
    bind(planner, { env: 'SYNC_JOBS_QUEUE_URL', queue: this.jobsQueue, use: 'send' });
    return planner;
  }

  private workerFunction(props: PullPipelineProps, timeout: Duration, removalPolicy: RemovalPolicy, leaseEnv: Record<string, string>): ConnectorFunction {
    const worker = new ConnectorFunction(this, 'Worker', {
      entry: 'functions/pull/worker-handler.ts',
      serviceName: 'procore-connector-pull-worker',
      description: 'Pages one sync job through Procore since its cursor and delivers the records',
      timeout,
      memorySize: WORKER_MEMORY_MB,
      removalPolicy,
      tracing: props.tracing,
      environment: {
        ...props.commonEnvironment,
        ...leaseEnv,
        // Attempts the worker makes at a job: it dead-letters a failure on the last itself, with its reason.
        MAX_ATTEMPTS: String(props.worker.maxReceiveCount),
        MAX_CONTINUATIONS: String(props.worker.maxContinuations),
      },
      ...withFiles(this, props.commonFiles),
      // The worker enqueues a job's continuation onto the queue that invokes it: SQS -> Lambda -> SQS,
      // one chain per job. Lambda's recursive loop detection stops such a chain after about 16
      // invocations ("Lambda stops the next invocation ... and sends the event to a dead-letter queue
      // or on-failure destination": https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html,
      // https://aws.amazon.com/blogs/compute/detecting-and-stopping-recursive-loops-in-aws-lambda-functions/),
      // which would cut long initial syncs. Allow it, because the worker bounds the chain itself:
      // each continuation carries its lineage count, and a job at MAX_CONTINUATIONS pauses with its
      // checkpoint kept and ContinuationLimitReached recorded; the next planner run resumes it there
      // (functions/pull/continuation.ts). Handing over through another queue would
      // not help: detection follows the chain's trace header, not the queue.
      recursiveLoop: RecursiveLoop.ALLOW,
    });
    // One job per invocation: a job can take minutes, and a batch would share one timeout.
    worker.function.addEventSource(
      new SqsEventSource(this.jobsQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: props.worker.maxConcurrency,
      }),
    );
    acknowledgeSqsDrivenFunction(worker.function);
    bindDmsaSecret(worker, props);
    bind(worker, { env: 'STATE_TABLE_NAME', table: props.table, access: STATE_ACCESS.worker });
    bind(worker, { env: 'SYNC_JOBS_QUEUE_URL', queue: this.jobsQueue, use: 'send' });
    bind(worker, { env: 'SYNC_JOBS_DLQ_URL', queue: this.jobsDeadLetterQueue, use: 'send' });
    bindRecordDelivery(worker, { recordsQueue: this.recordsQueue, claimCheckBucket: props.claimCheckBucket });
    return worker;
  }
}
