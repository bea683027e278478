// The SQS client the CLI uses, and the queue helpers the CLI and the local run share. Against a
// local endpoint (moto, AWS_ENDPOINT_URL) queue URLs from CloudFormation outputs name the real AWS
// host, so the SDK must not take its endpoint from them.
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, SQSClient, type BatchResultErrorEntry, type Message } from '@aws-sdk/client-sqs';

export function cliSqsClient(env: NodeJS.ProcessEnv = process.env): SQSClient {
  return new SQSClient({ useQueueUrlAsEndpoint: !env.AWS_ENDPOINT_URL });
}

export async function queueAttributes(sqs: SQSClient, queueUrl: string, names: string[]): Promise<Record<string, string>> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names as never[] }));
  return Attributes;
}

const HELD = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'];

/** Nothing visible, in flight or delayed (SQS's counts are approximate). */
export async function queueIsEmpty(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const attributes = await queueAttributes(sqs, queueUrl, HELD);
  return HELD.every((name) => Number(attributes[name] ?? 0) === 0);
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { QueueArn } = await queueAttributes(sqs, queueUrl, ['QueueArn']);
  if (!QueueArn) throw new Error(`queue ${queueUrl} has no ARN`);
  return QueueArn;
}

export function isFifoQueue(queueUrl: string): boolean {
  return queueUrl.endsWith('.fifo');
}

/**
 * Deletes the messages, ten per call. A call where SQS refuses some throws: `refused` words the
 * error for the caller (default: how many, from which queue, and SQS's first reason).
 */
export async function deleteMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: Message[],
  refused: (failed: BatchResultErrorEntry[], chunk: Message[]) => string = (failed) =>
    `could not delete ${failed.length} message(s) from ${queueUrl}: ${failed[0]?.Message}`,
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    if (Failed.length > 0) throw new Error(refused(Failed, chunk));
  }
}
