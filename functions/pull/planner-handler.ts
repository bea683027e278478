// Pull planner: started by the EventBridge schedule. Validates the scheduled event, then expands
// the stage's sync config into one sync job per scope (see plan-sync.ts).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readBundledJson } from '../commons/config/bundled-json';
import * as z from '../commons/validation/zod';
import { PlannerEnvSchema, procoreEnvironmentFrom, readEnv } from '../commons/config/runtime-env';
import { installDeclaredResources } from '../commons/resources/declared-resources';
import { toProcoreTime } from '../commons/contracts/procore-time';
import { documentClient as db, sqs } from '../commons/aws/clients';
import { countMetric, log, logger, metrics, tracer } from '../commons/observability/powertools';
import { createProcoreClient } from '../commons/procore/runtime';
import { leaseMsFrom } from './lease-duration';
import { registryListSpecs } from './list-spec';
import { planSync, type PlanResult } from './plan-sync';
import { PlannerRunSchema, resourcesOfRun } from './cadence/run-resources';
import { PlannerConfigSchema } from './sync-config';

/** Time kept back from the Lambda deadline when calling Procore. */
const DEADLINE_RESERVE_MS = 5_000;

/** EventBridge's scheduled event; `time` (the rule's trigger time) becomes every job's windowEnd, unless it is far from Procore's clock (schedule-time.ts). */
export const ScheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
  time: z.iso.datetime({ offset: true }),
  /** Added by the reconciliation rule (cadence/run-resources.ts); absent on the stage schedule's events. */
  connector: z.optional(z.object({ run: PlannerRunSchema })),
});

function loadRuntime() {
  const env = readEnv(PlannerEnvSchema);
  installDeclaredResources(env);
  // The sync scope's JSON: inline in SYNC_CONFIG, or the file SYNC_CONFIG_FILE bundled with the code (the stack's way).
  const { json, source } = readBundledJson({
    inline: { name: 'SYNC_CONFIG', value: env.SYNC_CONFIG },
    file: { name: 'SYNC_CONFIG_FILE', value: env.SYNC_CONFIG_FILE },
  })!;
  const parsed = PlannerConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new Error(`Invalid function environment: ${source}: ${problems.join('; ')}`);
  }
  return {
    env,
    config: parsed.data,
    procore: createProcoreClient({ environment: procoreEnvironmentFrom(env), secretId: env.DMSA_SECRET_ID, logger: log }),
  };
}

let runtime: ReturnType<typeof loadRuntime> | undefined;

async function planFromSchedule(event: unknown, context: Context): Promise<PlanResult | { run: 'reconcile' | 'schedule'; skipped: string }> {
  runtime ??= loadRuntime();
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new Error(`The planner expects an EventBridge scheduled event: ${problems.join('; ')}`);
  }
  // Whole seconds: Procore's updated_at filter and timestamps have no fractions.
  const eventTime = toProcoreTime(Date.parse(parsed.data.time));
  const run = parsed.data.connector?.run ?? 'schedule';
  const { reconciledResources, ...sync } = runtime.config;
  const resources = resourcesOfRun(sync.resources, reconciledResources, run);
  if (resources.length === 0) {
    log.info('No resource is pulled on this schedule', { run, reconciledResources });
    return { run, skipped: 'no resource is pulled on this schedule' };
  }
  return planSync({ ...sync, resources }, eventTime, {
    procore: runtime.procore,
    sqs,
    table: { db, tableName: runtime.env.STATE_TABLE_NAME },
    syncJobsQueueUrl: runtime.env.SYNC_JOBS_QUEUE_URL,
    resources: registryListSpecs,
    logger: log,
    deadline: () => Date.now() + context.getRemainingTimeInMillis() - DEADLINE_RESERVE_MS,
    leaseMs: leaseMsFrom(runtime.env.SYNC_LEASE_SECONDS),
    countMetric,
    reconcile: run === 'reconcile',
  });
}

export const handler = middy(planFromSchedule).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
