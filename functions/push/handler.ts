// Push handler: SQS push queue -> Procore. Thin: reads the environment once, builds the clients at
// module scope (reused across invocations), and hands each batch to the core (push-batch.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PushEnvSchema, procoreEnvironmentFrom, readEnv } from '../commons/config/runtime-env';
import type { LoggerLike } from '../commons/procore/logger';
import { createProcoreClient } from '../commons/procore/runtime';
import { pushIdempotencyConfig, pushIdempotencyStore } from '../commons/state/push-idempotency';
import { PushOriginMap } from '../commons/state/push-origin-map';
import { createPushBatchHandler } from './push-batch';

const env = readEnv(PushEnvSchema);
const logger = new Logger({ serviceName: 'procore-connector-push' });
const metrics = new Metrics({ namespace: 'ProcoreConnector', serviceName: 'procore-connector-push' });
// Powertools' Logger in the shape the core code takes.
const log: LoggerLike = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const dynamodb = new DynamoDBClient({});

const handlePushBatch = createPushBatchHandler({
  procore: createProcoreClient({ environment: procoreEnvironmentFrom(env), secretId: env.DMSA_SECRET_ID, logger: log }),
  originMap: new PushOriginMap({ ddb: DynamoDBDocumentClient.from(dynamodb), tableName: env.STATE_TABLE_NAME }),
  sqs,
  idempotencyStore: pushIdempotencyStore({ tableName: env.STATE_TABLE_NAME, client: dynamodb }),
  idempotencyConfig: pushIdempotencyConfig(),
  deadLetterQueueUrl: env.PUSH_DLQ_URL,
  ...(env.RESULTS_QUEUE_URL ? { resultsQueueUrl: env.RESULTS_QUEUE_URL } : {}),
  logger: log,
  metrics: { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) },
});

export const handler = middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => handlePushBatch(event, context))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
