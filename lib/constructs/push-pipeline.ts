// Upstream systems -> push queue -> push function -> Procore, with a DLQ for what cannot be written
// and an optional results queue telling upstream what happened to each message.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { redriveMaxReceiveCount } from '../../functions/commons/failure/decisions';
import type { PushConfig } from '../config/stage-config';
import { bind } from './bind';
import { withFiles } from './bundled-json';
import { acknowledgeSqsDrivenFunction, ConnectorFunction } from './connector-function';
import { eventSourceVisibilityTimeout, queueWithDeadLetter } from './queues';
import { bindDmsaSecret, type SharedFunctionProps } from './shared-function-props';
import { STATE_ACCESS } from './state-access';

/** Function memory in MB (the local function host caps its heap to match). */
export const PUSH_MEMORY_MB = 512;
/** Default function timeout in seconds (the chaos runs and the bench use the same). */
export const PUSH_TIMEOUT_SECONDS = 60;

export interface PushPipelineProps extends SharedFunctionProps {
  /** Queue and event source settings from the stage config (validated there). */
  readonly config: PushConfig;
  /** @default 60 seconds */
  readonly functionTimeout?: Duration;
  /** How often a results consumer may fail a message before it goes to the results DLQ. @default 5 */
  readonly resultsMaxReceiveCount?: number;
}

export class PushPipeline extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly resultsQueue?: Queue;
  readonly resultsDeadLetterQueue?: Queue;
  readonly handler: ConnectorFunction;

  constructor(scope: Construct, id: string, props: PushPipelineProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const timeout = props.functionTimeout ?? Duration.seconds(PUSH_TIMEOUT_SECONDS);

    const push = queueWithDeadLetter(this, 'Push', {
      queueName: 'push',
      fifo: config.fifo,
      // The connector's attempts plus the spare receive that dead-letters a message whose last attempt died.
      maxReceiveCount: redriveMaxReceiveCount(config.maxReceiveCount),
      visibilityTimeout: eventSourceVisibilityTimeout(timeout, config.maxBatchingWindowSeconds),
      removalPolicy,
    });
    this.queue = push.queue;
    this.deadLetterQueue = push.deadLetterQueue;

    if (config.resultsQueue) {
      // Standard even when the push queue is FIFO: each result stands alone and carries the message id.
      const results = queueWithDeadLetter(this, 'Results', {
        queueName: 'push-results',
        maxReceiveCount: props.resultsMaxReceiveCount ?? 5,
        removalPolicy,
      });
      this.resultsQueue = results.queue;
      this.resultsDeadLetterQueue = results.deadLetterQueue;
    }

    this.handler = new ConnectorFunction(this, 'Handler', {
      entry: 'functions/push/handler.ts',
      serviceName: 'procore-connector-push',
      description: 'Writes push-queue messages to Procore (validate, idempotent write, partial batch failure)',
      timeout,
      memorySize: PUSH_MEMORY_MB,
      removalPolicy,
      tracing: props.tracing,
      environment: {
        ...props.commonEnvironment,
        // Attempts the handler makes at a message: it dead-letters a failure on the last itself, with its reason.
        MAX_ATTEMPTS: String(config.maxReceiveCount),
      },
      ...withFiles(this, props.commonFiles),
    });
    const fn = this.handler.function;

    // The event source grants receive/delete/ChangeMessageVisibility on the push queue; the handler
    // uses ChangeMessageVisibility itself to hold a rate-limited message until Procore's reset.
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: config.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: config.maxConcurrency,
        ...(config.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds) } : {}),
      }),
    );
    acknowledgeSqsDrivenFunction(fn);
    bindDmsaSecret(this.handler, props);
    bind(this.handler, { env: 'STATE_TABLE_NAME', table: props.table, access: STATE_ACCESS.push });
    bind(this.handler, { env: 'PUSH_QUEUE_URL', queue: this.queue, use: 'consume' });
    bind(this.handler, { env: 'PUSH_DLQ_URL', queue: this.deadLetterQueue, use: 'send' });
    if (this.resultsQueue) bind(this.handler, { env: 'RESULTS_QUEUE_URL', queue: this.resultsQueue, use: 'send' });
  }
}
