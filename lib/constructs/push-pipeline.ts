// Upstream systems -> push queue -> push function -> Procore, with a DLQ for what cannot be written
// and an optional results queue telling upstream what happened to each message.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PushConfig } from '../config/stage-config';
import { acknowledgeSqsDrivenFunction, ConnectorFunction } from './connector-function';
import type { DmsaCredentials } from './dmsa-credentials';
import { eventSourceVisibilityTimeout, queueWithDeadLetter } from './queues';

/** Function memory in MB (the local function host caps its heap to match). */
export const PUSH_MEMORY_MB = 512;
/** Default function timeout in seconds (the chaos runs and the bench use the same). */
export const PUSH_TIMEOUT_SECONDS = 60;

export interface PushPipelineProps {
  config: PushConfig;
  /** CommonEnvSchema variables (stage, Procore environment, secret, table). */
  commonEnvironment: Record<string, string>;
  credentials: DmsaCredentials;
  table: ITable;
  removalPolicy: RemovalPolicy;
  /** @default 60 seconds */
  functionTimeout?: Duration;
  /** How often a results consumer may fail a message before it goes to the results DLQ. @default 5 */
  resultsMaxReceiveCount?: number;
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
    const timeout = props.functionTimeout ?? Duration.seconds(PUSH_TIMEOUT_SECONDS);

    const push = queueWithDeadLetter(this, 'Push', {
      fifo: config.fifo,
      maxReceiveCount: config.maxReceiveCount,
      visibilityTimeout: eventSourceVisibilityTimeout(timeout, config.maxBatchingWindowSeconds),
      removalPolicy: props.removalPolicy,
    });
    this.queue = push.queue;
    this.deadLetterQueue = push.deadLetterQueue;

    if (config.resultsQueue) {
      // Standard even when the push queue is FIFO: each result stands alone and carries the message id.
      const results = queueWithDeadLetter(this, 'Results', {
        maxReceiveCount: props.resultsMaxReceiveCount ?? 5,
        removalPolicy: props.removalPolicy,
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
      removalPolicy: props.removalPolicy,
      environment: {
        ...props.commonEnvironment,
        PUSH_DLQ_URL: this.deadLetterQueue.queueUrl,
        ...(this.resultsQueue ? { RESULTS_QUEUE_URL: this.resultsQueue.queueUrl } : {}),
      },
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
    props.credentials.grantRead(fn);
    props.table.grantReadWriteData(fn);
    this.deadLetterQueue.grantSendMessages(fn);
    this.resultsQueue?.grantSendMessages(fn);
  }
}
