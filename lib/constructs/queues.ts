// Every queue in the connector: encrypted at rest (SSE-SQS), TLS-only, 14 days in a DLQ.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface ConnectorQueueProps {
  fifo?: boolean;
  visibilityTimeout?: Duration;
  removalPolicy: RemovalPolicy;
}

const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * Visibility timeout for a queue a Lambda event source reads: AWS asks for at least six times the
 * function timeout (plus the batching window), so a retried invocation never sees its own messages reappear.
 */
export function eventSourceVisibilityTimeout(functionTimeout: Duration, batchingWindowSeconds = 0): Duration {
  return Duration.seconds(6 * functionTimeout.toSeconds() + batchingWindowSeconds);
}

/** A queue with the connector's security defaults. */
export function connectorQueue(scope: Construct, id: string, props: ConnectorQueueProps & Pick<QueueProps, 'deadLetterQueue' | 'retentionPeriod'>): Queue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    removalPolicy: props.removalPolicy,
    ...(props.fifo ? { fifo: true, contentBasedDeduplication: false } : {}),
    ...(props.visibilityTimeout ? { visibilityTimeout: props.visibilityTimeout } : {}),
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    ...(props.retentionPeriod ? { retentionPeriod: props.retentionPeriod } : {}),
  });
}

export interface QueueWithDeadLetterProps extends ConnectorQueueProps {
  maxReceiveCount: number;
  retentionPeriod?: Duration;
}

export interface QueueWithDeadLetter {
  queue: Queue;
  deadLetterQueue: Queue;
}

/** A work queue whose redrive policy moves a message to its DLQ after maxReceiveCount receives. */
export function queueWithDeadLetter(scope: Construct, id: string, props: QueueWithDeadLetterProps): QueueWithDeadLetter {
  const deadLetterQueue = connectorQueue(scope, `${id}DeadLetterQueue`, {
    fifo: props.fifo,
    removalPolicy: props.removalPolicy,
    retentionPeriod: DEAD_LETTER_RETENTION,
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

/** A queue that only ever receives failures (an EventBridge target DLQ, a Lambda on-failure destination). */
export function failureQueue(scope: Construct, id: string, removalPolicy: RemovalPolicy): Queue {
  const queue = connectorQueue(scope, id, { removalPolicy, retentionPeriod: DEAD_LETTER_RETENTION });
  const reason = 'This queue is itself a dead-letter destination (EventBridge target DLQ and Lambda on-failure destination); nothing consumes it automatically, so it needs no DLQ of its own.';
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
  return queue;
}
