// Every queue in the connector: SSE-SQS, TLS-only, a maximum message size from the one constant the
// code also sizes its messages by, and an explicit retention. A dead-letter queue keeps messages
// longer than its source and accepts them from its source only.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MAX_MESSAGE_BYTES } from '../../functions/commons/queues/message-size';

/**
 * A DLQ keeps messages SQS's longest (14 days). For standard queues "the expiration of a message is
 * always based on its original enqueue timestamp", so AWS advises a DLQ retention longer than the
 * source's: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
 */
export const DEAD_LETTER_RETENTION = Duration.days(14);
/** A work queue's retention unless told otherwise (SQS's default, written out). */
const SOURCE_RETENTION = Duration.days(4);
/**
 * What a dead letter keeps at least, however long it waited on its source queue: DLQ retention minus
 * the source's. Source queues are checked against it, so none can eat into the operator's week.
 */
const MIN_DEAD_LETTER_DAYS_LEFT = 7;

export interface ConnectorQueueProps {
  /** Physical name (without ".fifo", added for FIFO queues); unique in the account and region. */
  readonly queueName: string;
  /** @default false */
  readonly fifo?: boolean;
  /** @default 30 seconds (SQS's default) */
  readonly visibilityTimeout?: Duration;
  /** @default SOURCE_RETENTION (4 days) */
  readonly retentionPeriod?: Duration;
  /** @default RemovalPolicy.RETAIN: messages survive a stack deletion unless the stage says otherwise */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Visibility timeout for a queue a Lambda event source reads: AWS asks for at least six times the
 * function timeout (plus the batching window), so a retried invocation never sees its own messages reappear.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function eventSourceVisibilityTimeout(functionTimeout: Duration, batchingWindowSeconds = 0): Duration {
  return Duration.seconds(6 * functionTimeout.toSeconds() + batchingWindowSeconds);
}

/** The physical name of a connector queue: prefixed with the stack name, ".fifo" for FIFO queues. */
function connectorQueueName(scope: Construct, name: string, fifo = false): string {
  return `${Stack.of(scope).stackName}-${name}${fifo ? '.fifo' : ''}`;
}

/** A queue with the connector's security defaults. */
function connectorQueue(scope: Construct, id: string, props: ConnectorQueueProps & Pick<QueueProps, 'deadLetterQueue' | 'redriveAllowPolicy'>): Queue {
  const fifo = props.fifo ?? false;
  return new Queue(scope, id, {
    queueName: connectorQueueName(scope, props.queueName, fifo),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    retentionPeriod: props.retentionPeriod ?? SOURCE_RETENTION,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    ...(fifo ? { fifo: true, contentBasedDeduplication: false } : {}),
    ...(props.visibilityTimeout ? { visibilityTimeout: props.visibilityTimeout } : {}),
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    ...(props.redriveAllowPolicy ? { redriveAllowPolicy: props.redriveAllowPolicy } : {}),
  });
}

export interface QueueWithDeadLetterProps extends ConnectorQueueProps {
  /** Receives before SQS moves a message to the DLQ (1 to 1000). */
  readonly maxReceiveCount: number;
}

export interface QueueWithDeadLetter {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

function checkQueueWithDeadLetter(id: string, props: QueueWithDeadLetterProps): void {
  if (!Number.isInteger(props.maxReceiveCount) || props.maxReceiveCount < 1 || props.maxReceiveCount > 1000) {
    throw new Error(`${id}: maxReceiveCount must be an integer from 1 to 1000 (got ${props.maxReceiveCount})`);
  }
  const retentionDays = (props.retentionPeriod ?? SOURCE_RETENTION).toDays({ integral: false });
  if (DEAD_LETTER_RETENTION.toDays() - retentionDays < MIN_DEAD_LETTER_DAYS_LEFT) {
    throw new Error(
      `${id}: retentionPeriod ${retentionDays} days leaves a dead letter less than ${MIN_DEAD_LETTER_DAYS_LEFT} days in its DLQ (kept ${DEAD_LETTER_RETENTION.toDays()} days from the original enqueue time)`,
    );
  }
}

/**
 * A work queue whose redrive policy moves a message to its DLQ after maxReceiveCount receives. The
 * DLQ's redrive allow policy names that source alone (by ARN from the known name: a reference to the
 * source queue would make the two queues depend on each other).
 */
export function queueWithDeadLetter(scope: Construct, id: string, props: QueueWithDeadLetterProps): QueueWithDeadLetter {
  checkQueueWithDeadLetter(id, props);
  const sourceArn = Stack.of(scope).formatArn({ service: 'sqs', resource: connectorQueueName(scope, props.queueName, props.fifo) });
  const deadLetterQueue = connectorQueue(scope, `${id}DeadLetterQueue`, {
    ...props,
    queueName: `${props.queueName}-dlq`,
    visibilityTimeout: undefined,
    retentionPeriod: DEAD_LETTER_RETENTION,
    redriveAllowPolicy: { redrivePermission: RedrivePermission.BY_QUEUE, sourceQueues: [Queue.fromQueueArn(scope, `${id}RedriveSource`, sourceArn)] },
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This is the dead-letter queue at the end of a redrive chain; its messages are inspected and redriven by an operator, not moved on again.',
  });
  const queue = connectorQueue(scope, `${id}Queue`, {
    ...props,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

/**
 * A queue that only ever receives failures (an EventBridge target DLQ, a Lambda on-failure
 * destination). No queue may use it as its DLQ (redrive permission denyAll).
 */
export function failureQueue(scope: Construct, id: string, props: { readonly queueName: string; readonly removalPolicy?: RemovalPolicy }): Queue {
  const queue = connectorQueue(scope, id, {
    ...props,
    retentionPeriod: DEAD_LETTER_RETENTION,
    redriveAllowPolicy: { redrivePermission: RedrivePermission.DENY_ALL },
  });
  const reason =
    'This queue is itself a dead-letter destination (EventBridge target DLQ and Lambda on-failure destination); nothing consumes it automatically, so it needs no DLQ of its own.';
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
  return queue;
}
