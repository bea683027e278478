// Pull planner: started by the EventBridge schedule. Validates the scheduled event, then expands
// the stage's sync config into one sync job per scope (see commons/sync/plan-sync.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { PlannerEnvSchema, procoreEnvironmentFrom, readEnv } from '../commons/config/runtime-env';
import type { LoggerLike } from '../commons/procore/logger';
import { createProcoreClient } from '../commons/procore/runtime';
import { registryListSpecs } from '../commons/sync/list-spec';
import { planSync, type PlanResult } from '../commons/sync/plan-sync';
import { SyncConfigSchema } from '../commons/sync/sync-config';

const logger = new Logger({ serviceName: 'procore-connector-pull-planner' });
// Powertools' Logger, in the shape the core code takes (its extra-argument typing differs).
const log: LoggerLike = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** Time kept back from the Lambda deadline when calling Procore. */
const DEADLINE_RESERVE_MS = 5_000;

/** EventBridge's scheduled event; `time` (the rule's trigger time) becomes every job's windowEnd. */
export const ScheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
  time: z.iso.datetime({ offset: true }),
});

function loadRuntime() {
  const env = readEnv(PlannerEnvSchema);
  let configJson: unknown;
  try {
    configJson = JSON.parse(env.SYNC_CONFIG);
  } catch {
    throw new Error('Invalid function environment: SYNC_CONFIG is not JSON');
  }
  const parsed = SyncConfigSchema.safeParse(configJson);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new Error(`Invalid function environment: SYNC_CONFIG: ${problems.join('; ')}`);
  }
  return {
    env,
    config: parsed.data,
    procore: createProcoreClient({ environment: procoreEnvironmentFrom(env), secretId: env.DMSA_SECRET_ID, logger: log }),
  };
}

let runtime: ReturnType<typeof loadRuntime> | undefined;

async function planFromSchedule(event: unknown, context: Context): Promise<PlanResult> {
  runtime ??= loadRuntime();
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new Error(`The planner expects an EventBridge scheduled event: ${problems.join('; ')}`);
  }
  // Whole seconds: Procore's updated_at filter and timestamps have no fractions.
  const windowEnd = new Date(Math.floor(Date.parse(parsed.data.time) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return planSync(runtime.config, windowEnd, {
    procore: runtime.procore,
    sqs,
    table: { db, tableName: runtime.env.STATE_TABLE_NAME },
    syncJobsQueueUrl: runtime.env.SYNC_JOBS_QUEUE_URL,
    resources: registryListSpecs,
    logger: log,
    deadline: () => Date.now() + context.getRemainingTimeInMillis() - DEADLINE_RESERVE_MS,
  });
}

export const handler = middy(planFromSchedule).use(injectLambdaContext(logger));
