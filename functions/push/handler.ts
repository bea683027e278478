// Push handler: SQS push queue -> Procore. Thin: reads the environment once, builds its
// dependencies at module scope (reused across invocations), and hands each batch to the core.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { documentClient, dynamodb, sqs } from '../commons/aws/clients';
import { PushEnvSchema, procoreEnvironmentFrom, readEnv } from '../commons/config/runtime-env';
import { countMetric, log, logger, metrics, tracer } from '../commons/observability/powertools';
import { createProcoreClient } from '../commons/procore/runtime';
import { installDeclaredResources } from '../commons/resources/declared-resources';
import { sqsQueueEdge } from '../commons/queues/sqs-adapter';
import { createPushBatchHandler } from './push-batch';
import { sendTrackingHooks } from './send-tracker';
import { CreateJournal } from './state/create-journal';
import { pushIdempotencyConfig, pushIdempotencyStore } from './state/idempotency';
import { PushOriginMap } from './state/origin-map';

const env = readEnv(PushEnvSchema);
// Resources declared in the stage config, before any message is parsed (the push contract names them).
installDeclaredResources(env);

const handlePushBatch = createPushBatchHandler({
  // The hook tells a create that got no answer from one Procore refused (create-once.ts).
  procore: createProcoreClient({ environment: procoreEnvironmentFrom(env), secretId: env.DMSA_SECRET_ID, logger: log, hooks: sendTrackingHooks() }),
  originMap: new PushOriginMap({ ddb: documentClient, tableName: env.STATE_TABLE_NAME }),
  queueEdge: sqsQueueEdge(sqs, { sourceQueueUrl: env.PUSH_QUEUE_URL, logger: log }),
  idempotencyStore: pushIdempotencyStore({ tableName: env.STATE_TABLE_NAME, client: dynamodb }),
  idempotencyConfig: pushIdempotencyConfig(),
  createJournal: new CreateJournal({ ddb: documentClient, tableName: env.STATE_TABLE_NAME }),
  deadLetterQueueUrl: env.PUSH_DLQ_URL,
  ...(env.RESULTS_QUEUE_URL ? { resultsQueueUrl: env.RESULTS_QUEUE_URL } : {}),
  maxAttempts: env.MAX_ATTEMPTS,
  logger: log,
  metrics: { count: countMetric },
});

export const handler = middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => handlePushBatch(event, context))
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
