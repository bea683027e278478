// The realistic floor for a handler's cold start: the AWS SDK clients the connector's handlers
// import (SQS, DynamoDB with its document client, Secrets Manager for the DMSA secret) and
// Powertools' Logger, built at module scope as the handlers build them, bundled the same way, doing
// nothing else. A handler's load time over this one is what the connector's own code costs. Bundled
// for a stage with tracing "subsegments", it also loads Powertools' Tracer as the handlers do
// (reference-tracing.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './reference-tracing';

const logger = new Logger();
export const clients = {
  sqs: traced(new SQSClient({})),
  documentClient: DynamoDBDocumentClient.from(traced(new DynamoDBClient({}))),
  secrets: new SecretsManagerClient({}),
};

export const handler = async (): Promise<Record<string, never>> => {
  logger.debug('reference handler invoked');
  return {};
};
