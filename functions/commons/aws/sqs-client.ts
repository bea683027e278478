// The SQS client, traced by X-Ray, built once per container; apart from clients.ts (which re-exports
// it) so a handler that only queues (the webhook receiver) does not build the DynamoDB clients too.
// useQueueUrlAsEndpoint: false keeps SQS on the configured endpoint (AWS_ENDPOINT_URL locally).
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../observability/powertools';

export const sqs = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
