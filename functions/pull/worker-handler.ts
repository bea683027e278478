// Pull worker: SQS-triggered by the sync-jobs queue. Each message is one sync job (see
// run-sync-job.ts); failed jobs are reported as batch item failures so only they
// come back.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { procoreEnvironmentFrom, readEnv, WorkerEnvSchema } from '../commons/config/runtime-env';
import { documentClient as db, sqs } from '../commons/aws/clients';
import { s3ObjectsFromEnvironment } from '../commons/aws/s3-objects';
import { installDeclaredResources } from '../commons/resources/declared-resources';
import { procoreClientHooks } from '../commons/observability/procore-hooks';
import { countMetric, log, logger, metrics, tracer } from '../commons/observability/powertools';
import { createProcoreClient } from '../commons/procore/runtime';
import { sqsQueueEdge } from '../commons/queues/sqs-adapter';
import { handleSyncJobMessage } from './handle-sync-job-message';
import { leaseMsFrom } from './lease-duration';
import { registryListSpecs } from './list-spec';

function loadRuntime() {
  const env = readEnv(WorkerEnvSchema);
  installDeclaredResources(env);
  const environment = procoreEnvironmentFrom(env);
  return {
    env,
    environment,
    procore: createProcoreClient({ environment, secretId: env.DMSA_SECRET_ID, logger: log, hooks: procoreClientHooks }),
    queueEdge: sqsQueueEdge(sqs, { sourceQueueUrl: env.SYNC_JOBS_QUEUE_URL, logger: log }),
    claimCheckObjects: s3ObjectsFromEnvironment(),
  };
}

let runtime: ReturnType<typeof loadRuntime> | undefined;

async function processJobs(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const { env, environment, procore, queueEdge, claimCheckObjects } = (runtime ??= loadRuntime());
  const processJob = async (record: SQSRecord) =>
    handleSyncJobMessage(record, {
      procore,
      sqs,
      table: { db, tableName: env.STATE_TABLE_NAME },
      queues: { syncJobs: env.SYNC_JOBS_QUEUE_URL, syncJobsDeadLetter: env.SYNC_JOBS_DLQ_URL, records: env.RECORDS_QUEUE_URL },
      queueEdge,
      maxAttempts: env.MAX_ATTEMPTS,
      environment: environment.name,
      resources: registryListSpecs,
      logger: log,
      remainingMs: () => context.getRemainingTimeInMillis(),
      claimCheck: env.CLAIM_CHECK_BUCKET === undefined ? undefined : { s3: claimCheckObjects, bucket: env.CLAIM_CHECK_BUCKET },
      leaseMs: leaseMsFrom(env.SYNC_LEASE_SECONDS),
      ...(env.MAX_CONTINUATIONS === undefined ? {} : { maxContinuations: env.MAX_CONTINUATIONS }),
      metrics: { count: countMetric },
    });
  // A processor per invocation: its state is per batch.
  return processPartialResponse(event, processJob, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
}

export const handler = middy(processJobs).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
