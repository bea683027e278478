// Pull worker: SQS-triggered by the sync-jobs queue. Each message is one sync job (see
// commons/sync/run-sync-job.ts); failed jobs are reported as batch item failures so only they
// come back.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { procoreEnvironmentFrom, readEnv, WorkerEnvSchema } from '../commons/config/runtime-env';
import type { LoggerLike } from '../commons/procore/logger';
import { createProcoreClient } from '../commons/procore/runtime';
import { handleSyncJobMessage } from '../commons/sync/handle-sync-job-message';
import { registryListSpecs } from '../commons/sync/list-spec';

const logger = new Logger({ serviceName: 'procore-connector-pull-worker' });
// Powertools' Logger, in the shape the core code takes (its extra-argument typing differs).
const log: LoggerLike = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function loadRuntime() {
  const env = readEnv(WorkerEnvSchema);
  const environment = procoreEnvironmentFrom(env);
  return { env, environment, procore: createProcoreClient({ environment, secretId: env.DMSA_SECRET_ID, logger: log }) };
}

let runtime: ReturnType<typeof loadRuntime> | undefined;

async function processJobs(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const { env, environment, procore } = (runtime ??= loadRuntime());
  const processJob = async (record: SQSRecord) =>
    handleSyncJobMessage(record, {
      procore,
      sqs,
      table: { db, tableName: env.STATE_TABLE_NAME },
      queues: { syncJobs: env.SYNC_JOBS_QUEUE_URL, syncJobsDeadLetter: env.SYNC_JOBS_DLQ_URL, records: env.RECORDS_QUEUE_URL },
      environment: environment.name,
      resources: registryListSpecs,
      logger: log,
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
  // A processor per invocation: its state is per batch.
  return processPartialResponse(event, processJob, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
}

export const handler = middy(processJobs).use(injectLambdaContext(logger));
