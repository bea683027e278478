// The per-stage configuration in cdk.json (context "stages"), validated before any construct exists.
// Errors name the field path from the context root, e.g. "stages.sandbox.sync.schedule: ...".
import { z } from 'zod';
import { ProcoreEnvironmentSchema } from '../../functions/commons/procore/environments';
import { SyncConfigSchema } from '../../functions/pull/sync-config';
import { ScheduleExpressionSchema } from './schedule-expression';

export const STAGE_NAMES = ['sandbox', 'production'] as const;
export const StageNameSchema = z.enum(STAGE_NAMES);
export type StageName = z.infer<typeof StageNameSchema>;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

/** The DMSA secret: a name in the stack's account and region, or a complete secret ARN. */
export const SecretReferenceSchema = z
  .string()
  .refine((value) => SECRET_ARN.test(value) || (!value.startsWith('arn:') && SECRET_NAME.test(value)), {
    message: 'must be a Secrets Manager secret name or a complete secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>)',
  });

// Lambda's SQS event source limits: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
const MaximumConcurrency = z.number().int().min(2).max(1000);
const MaxReceiveCount = z.number().int().min(1).max(1000);

export const PushConfigSchema = z
  .object({
    /** FIFO keeps per-group order (push queue and its DLQ become .fifo). */
    fifo: z.boolean().default(false),
    batchSize: z.number().int().min(1).max(10000).default(10),
    maxConcurrency: MaximumConcurrency.default(2),
    maxReceiveCount: MaxReceiveCount.default(5),
    /** Publish one result message per processed push message to a results queue. */
    resultsQueue: z.boolean().default(true),
    maxBatchingWindowSeconds: z.number().int().min(0).max(300).default(0),
  })
  .strict()
  .superRefine((push, ctx) => {
    if (push.fifo && push.batchSize > 10) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: 'a FIFO queue allows at most 10 messages per batch' });
    }
    if (push.fifo && push.maxBatchingWindowSeconds > 0) {
      ctx.addIssue({ code: 'custom', path: ['maxBatchingWindowSeconds'], message: 'a FIFO event source has no batching window; use 0' });
    }
    if (!push.fifo && push.batchSize > 10 && push.maxBatchingWindowSeconds < 1) {
      ctx.addIssue({ code: 'custom', path: ['maxBatchingWindowSeconds'], message: 'batchSize above 10 needs a batching window of at least 1 second' });
    }
  });

export const PullWorkerConfigSchema = z
  .object({
    maxConcurrency: MaximumConcurrency.default(2),
    maxReceiveCount: MaxReceiveCount.default(3),
  })
  .strict();

export const StageSyncConfigSchema = SyncConfigSchema.extend({
  /** When the planner runs: an EventBridge rate(...) or cron(...) expression. */
  schedule: ScheduleExpressionSchema,
});
// discoveryCompanyId is optional with companies "all": the planner also asks from the companies the
// last discovery found (state table), and a first run with neither fails naming the setting
// (functions/pull/discovery/discover-companies.ts).

export const StageConfigSchema = z
  .object({
    procore: ProcoreEnvironmentSchema,
    /** Secrets Manager secret holding {"client_id", "client_secret"}. */
    dmsaSecret: SecretReferenceSchema,
    sync: StageSyncConfigSchema,
    push: PushConfigSchema.prefault({}),
    pullWorker: PullWorkerConfigSchema.prefault({}),
    /** Where alarm notifications go; without it the topic has no subscription. */
    alarmEmail: z.email().optional(),
  })
  .strict();

export type StageConfig = z.infer<typeof StageConfigSchema>;
export type PushConfig = z.infer<typeof PushConfigSchema>;
export type PullWorkerConfig = z.infer<typeof PullWorkerConfigSchema>;

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

function formatIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('\n');
}

/**
 * The stage name and its validated config from the CDK context:
 * `stage` (default sandbox) and `stages.<stage>`.
 */
export function loadStageConfig(context: { stage?: unknown; stages?: unknown }): { stage: StageName; config: StageConfig } {
  const stageResult = StageNameSchema.safeParse(context.stage ?? 'sandbox');
  if (!stageResult.success) {
    throw new StageConfigError(`stage: must be one of ${STAGE_NAMES.join(', ')} (got ${JSON.stringify(context.stage)})`);
  }
  const stage = stageResult.data;
  const stages = context.stages;
  const raw = typeof stages === 'object' && stages !== null ? (stages as Record<string, unknown>)[stage] : undefined;
  if (raw === undefined) {
    throw new StageConfigError(`stages.${stage}: missing; add it to the "context" of cdk.json`);
  }
  const result = StageConfigSchema.safeParse(raw);
  if (!result.success) throw new StageConfigError(formatIssues(`stages.${stage}`, result.error));
  return { stage, config: result.data };
}

/** Production keeps its data (table, queues, logs, key) when the stack or a resource is removed. */
export function retainsData(stage: StageName): boolean {
  return stage === 'production';
}
