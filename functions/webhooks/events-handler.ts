// Webhook events consumer: SQS-triggered by the events queue (batches, with a batching window so a
// burst arrives together). Thin: wires the clients for handle-event-batch.ts, which deduplicates,
// coalesces per scope and delivers records as the pull path does.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { documentClient as db, sqs } from '../commons/aws/clients';
import { s3ObjectsFromEnvironment } from '../commons/aws/s3-objects';
import { procoreEnvironmentFrom, readEnv, WebhookEventsEnvSchema } from '../commons/config/runtime-env';
import { secretsManagerCredentials } from '../commons/credentials/dmsa-secret';
import { procoreClientHooks } from '../commons/observability/procore-hooks';
import { countMetric, log, logger, metrics, tracer } from '../commons/observability/powertools';
import { createProcoreClient } from '../commons/procore/runtime';
import { sqsQueueEdge } from '../commons/queues/sqs-adapter';
import { ResourceNameSchema } from '../commons/resources/names';
import { registryListSpecs } from '../pull/list-spec';
import { handleEventBatch } from './handle-event-batch';
import { tableEventClaims } from './state/event-claims';

function loadRuntime(functionTimeoutMs: number) {
  const env = readEnv(WebhookEventsEnvSchema);
  const environment = procoreEnvironmentFrom(env);
  return {
    env,
    environment,
    webhookResources: new Set(env.WEBHOOK_RESOURCES.split(',').map((name) => ResourceNameSchema.parse(name.trim()))),
    procore: createProcoreClient({ environment, secretId: env.DMSA_SECRET_ID, logger: log, hooks: procoreClientHooks }),
    // The connector's own writes carry its client id as source_application_id (cached read, as the token provider's).
    credentials: secretsManagerCredentials(env.DMSA_SECRET_ID),
    queueEdge: sqsQueueEdge(sqs, { sourceQueueUrl: env.WEBHOOK_EVENTS_QUEUE_URL, logger: log }),
    // A claim outlives the invocation that took it by a little: its message is back only after the
    // visibility timeout (6 x the function timeout), by when the claim has lapsed.
    claims: tableEventClaims({ db, tableName: env.STATE_TABLE_NAME }, { now: Date.now, leaseMs: functionTimeoutMs + 10_000 }),
    claimCheckObjects: s3ObjectsFromEnvironment(),
  };
}

let runtime: ReturnType<typeof loadRuntime> | undefined;

async function processEvents(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const { env, environment, webhookResources, procore, queueEdge, claims, credentials, claimCheckObjects } = (runtime ??= loadRuntime(
    context.getRemainingTimeInMillis(),
  ));
  return handleEventBatch(event.Records, {
    procore,
    sqs,
    recordsQueueUrl: env.RECORDS_QUEUE_URL,
    environment: environment.name,
    resources: registryListSpecs,
    claimCheck: env.CLAIM_CHECK_BUCKET === undefined ? undefined : { s3: claimCheckObjects, bucket: env.CLAIM_CHECK_BUCKET },
    now: Date.now,
    claims,
    table: { db, tableName: env.STATE_TABLE_NAME },
    queueEdge,
    deadLetterQueueUrl: env.WEBHOOK_EVENTS_DLQ_URL,
    webhookResources,
    ownApplicationId: async () => (await credentials.get()).clientId,
    maxAttempts: env.MAX_ATTEMPTS,
    logger: log,
    count: countMetric,
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
}

export const handler = middy(processEvents).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
