// The reference for the webhook receiver, which queues each delivery and reads its header secret
// and nothing else: the SQS and Secrets Manager clients and Powertools' Logger, built at module
// scope, bundled the same way, Tracer included where the stage traces (see reference-handler.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from './reference-tracing';

const logger = new Logger();
export const clients = { sqs: traced(new SQSClient({})), secrets: new SecretsManagerClient({}) };

export const handler = async (): Promise<Record<string, never>> => {
  logger.debug('reference handler invoked');
  return {};
};
