// The reference for the webhook receiver, which queues each delivery and reads its header secret
// and nothing else: the SQS and Secrets Manager clients and Powertools' Logger, built at module
// scope, bundled the same way (see reference-handler.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

const logger = new Logger();
export const clients = { sqs: new SQSClient({}), secrets: new SecretsManagerClient({}) };

export const handler = async (): Promise<Record<string, never>> => {
  logger.debug('reference handler invoked');
  return {};
};
