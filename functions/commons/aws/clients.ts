// The AWS SDK clients every handler shares, built once per container and traced by X-Ray.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../observability/powertools';

export { sqs } from './sqs-client';
export const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
export const documentClient = DynamoDBDocumentClient.from(dynamodb);
