// The SQS client the CLI uses. Against a local endpoint (moto, AWS_ENDPOINT_URL) queue URLs from
// CloudFormation outputs name the real AWS host, so the SDK must not take its endpoint from them.
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export function cliSqsClient(env: NodeJS.ProcessEnv = process.env): SQSClient {
  return new SQSClient({ useQueueUrlAsEndpoint: !env.AWS_ENDPOINT_URL });
}

export async function queueAttributes(sqs: SQSClient, queueUrl: string, names: string[]): Promise<Record<string, string>> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names as never[] }),
  );
  return Attributes;
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { QueueArn } = await queueAttributes(sqs, queueUrl, ['QueueArn']);
  if (!QueueArn) throw new Error(`queue ${queueUrl} has no ARN`);
  return QueueArn;
}

export function isFifoQueue(queueUrl: string): boolean {
  return queueUrl.endsWith('.fifo');
}
