// Procore webhooks -> receiver (Lambda function URL) -> events queue + DLQ -> events consumer ->
// records queue. The receiver only authenticates, checks and queues, so it answers inside Procore's
// 5 s whatever the rest of the connector is doing; the consumer deduplicates, coalesces per scope
// and delivers records through the pull path's code. Why a function URL and not API Gateway: README
// "Webhooks".
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ResourceName } from '../../functions/commons/resources/names';
import { bind } from './bind';
import { acknowledgeSqsDrivenFunction, ConnectorFunction } from './connector-function';
import { eventSourceVisibilityTimeout, queueWithDeadLetter } from './queues';
import { bindDmsaSecret, bindRecordDelivery, type SharedFunctionProps } from './shared-function-props';
import { STATE_ACCESS } from './state-access';
import { redriveMaxReceiveCount } from '../../functions/commons/failure/decisions';

/** Function memory in MB. */
const WEBHOOK_RECEIVER_MEMORY_MB = 256;
const WEBHOOK_EVENTS_MEMORY_MB = 512;

/** No commonFiles: the webhook resources are built-in ones (webhooks-config.ts). */
export interface WebhookReceiverProps extends Omit<SharedFunctionProps, 'commonFiles'> {
  /** The resources whose events become records (stage config webhooks.resources). */
  readonly resources: readonly ResourceName[];
  /** The secret whose SecretString Procore sends in the authentication header: a name or a complete ARN. */
  readonly headerSecret: string;
  /** Where the records go: the pull path's records queue. */
  readonly recordsQueue: IQueue;
  /** Where records too large for one message go (the pull path's claim-check bucket). */
  readonly claimCheckBucket: IBucket;
  /** The receiver's timeout: below Procore's 5 s, so a stuck call ends as a 5xx Procore retries. @default 4 seconds */
  readonly receiverTimeout?: Duration;
  /**
   * Concurrent receiver executions at most: the throttle. Past it Lambda answers 429 and Procore
   * retries (for up to 12 h). @default 10
   */
  readonly receiverReservedConcurrency?: number;
  /** @default 60 seconds */
  readonly eventsTimeout?: Duration;
  /** Events per consumer invocation: a burst of one scope costs one read. @default 100 */
  readonly eventsBatchSize?: number;
  /** How long the event source gathers a batch. @default 2 seconds */
  readonly eventsBatchingWindow?: Duration;
  /** @default 2 */
  readonly eventsMaxConcurrency?: number;
  /** Attempts the consumer makes at an event; the queue's redrive allows one receive more. @default 5 */
  readonly eventsMaxAttempts?: number;
}

export class WebhookReceiver extends Construct {
  readonly eventsQueue: Queue;
  readonly eventsDeadLetterQueue: Queue;
  readonly receiver: ConnectorFunction;
  readonly consumer: ConnectorFunction;
  readonly url: FunctionUrl;
  readonly headerSecret: ISecret;

  constructor(scope: Construct, id: string, props: WebhookReceiverProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const eventsTimeout = props.eventsTimeout ?? Duration.seconds(60);
    const window = props.eventsBatchingWindow ?? Duration.seconds(2);
    // Attempts the consumer makes at an event; the redrive allows one receive more (PreviousAttemptDied).
    const maxAttempts = props.eventsMaxAttempts ?? 5;
    const events = queueWithDeadLetter(this, 'Events', {
      queueName: 'webhook-events',
      maxReceiveCount: redriveMaxReceiveCount(maxAttempts),
      visibilityTimeout: eventSourceVisibilityTimeout(eventsTimeout, window.toSeconds()),
      removalPolicy,
    });
    this.eventsQueue = events.queue;
    this.eventsDeadLetterQueue = events.deadLetterQueue;
    this.headerSecret = props.headerSecret.startsWith('arn:')
      ? Secret.fromSecretCompleteArn(this, 'HeaderSecret', props.headerSecret)
      : Secret.fromSecretNameV2(this, 'HeaderSecret', props.headerSecret);

    this.receiver = this.receiverFunction(props, removalPolicy);
    // Procore cannot sign requests (SigV4), so the URL is public and every delivery is authenticated
    // by its header in the function; BUFFERED answers in one piece.
    this.url = this.receiver.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    this.consumer = this.consumerFunction(props, eventsTimeout, removalPolicy, maxAttempts);
    this.consumer.function.addEventSource(
      new SqsEventSource(this.eventsQueue, {
        batchSize: props.eventsBatchSize ?? 100,
        maxBatchingWindow: window,
        reportBatchItemFailures: true,
        maxConcurrency: props.eventsMaxConcurrency ?? 2,
      }),
    );
    acknowledgeSqsDrivenFunction(this.consumer.function);
  }

  private receiverFunction(props: WebhookReceiverProps, removalPolicy: RemovalPolicy): ConnectorFunction {
    const receiver = new ConnectorFunction(this, 'Receiver', {
      entry: 'functions/webhooks/receiver-handler.ts',
      serviceName: 'procore-connector-webhook-receiver',
      description: 'Authenticates Procore webhook deliveries by their secret header, validates and queues them',
      timeout: props.receiverTimeout ?? Duration.seconds(4),
      memorySize: WEBHOOK_RECEIVER_MEMORY_MB,
      removalPolicy,
      tracing: props.tracing,
      environment: { CONNECTOR_STAGE: props.commonEnvironment.CONNECTOR_STAGE ?? '' },
      reservedConcurrentExecutions: props.receiverReservedConcurrency ?? 10,
    });
    Validations.of(receiver.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously through its function URL; Procore retries a failed delivery for up to 12 hours, and the reconciliation pull catches what it drops.',
    });
    bind(receiver, { env: 'WEBHOOK_SECRET_ID', secret: this.headerSecret, secretId: props.headerSecret });
    bind(receiver, { env: 'WEBHOOK_EVENTS_QUEUE_URL', queue: this.eventsQueue, use: 'send' });
    return receiver;
  }

  private consumerFunction(props: WebhookReceiverProps, timeout: Duration, removalPolicy: RemovalPolicy, maxAttempts: number): ConnectorFunction {
    const consumer = new ConnectorFunction(this, 'Consumer', {
      entry: 'functions/webhooks/events-handler.ts',
      serviceName: 'procore-connector-webhook-events',
      description: 'Turns Procore webhook events into records: dedupe on ulid, one targeted read per scope, pull-path envelopes',
      timeout,
      memorySize: WEBHOOK_EVENTS_MEMORY_MB,
      removalPolicy,
      tracing: props.tracing,
      environment: {
        ...props.commonEnvironment,
        MAX_ATTEMPTS: String(maxAttempts),
        WEBHOOK_RESOURCES: props.resources.join(','),
      },
    });
    bindDmsaSecret(consumer, props);
    bind(consumer, { env: 'STATE_TABLE_NAME', table: props.table, access: STATE_ACCESS.webhookEvents });
    bind(consumer, { env: 'STATE_TABLE_NAME', table: props.table, access: STATE_ACCESS.webhookMarkers });
    bind(consumer, { env: 'WEBHOOK_EVENTS_QUEUE_URL', queue: this.eventsQueue, use: 'consume' });
    bind(consumer, { env: 'WEBHOOK_EVENTS_DLQ_URL', queue: this.eventsDeadLetterQueue, use: 'send' });
    bindRecordDelivery(consumer, props);
    return consumer;
  }
}
