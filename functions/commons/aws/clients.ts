// The AWS SDK clients every handler shares, built once per container and traced by X-Ray.
// useQueueUrlAsEndpoint: false keeps SQS on the configured endpoint (AWS_ENDPOINT_URL locally).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../observability/powertools';

export const sqs = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
export const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
export const documentClient = DynamoDBDocumentClient.from(dynamodb);
