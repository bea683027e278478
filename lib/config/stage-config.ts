// The per-stage configuration in cdk.json (context "stages"), validated before any construct exists.
// Errors name the field path from the context root, e.g. "stages.sandbox.sync.schedule: ...".
import { z } from 'zod';
import { declaredOperations } from '../../functions/commons/procore/declared-operations';
import { ProcoreEnvironmentSchema } from '../../functions/commons/procore/environment-config';
import { ResourceNameSchema } from '../../functions/commons/resources/names';
import { builtInResourceNames, listResources } from '../../functions/commons/resources/registry';
import { ResourceFieldsDeclarationSchema, type ResourceDefinition } from '../../functions/commons/resources/resource-declaration';
import { SyncConfigSchema } from '../../functions/pull/sync-config';
import { checkDeclaredRequests } from './declared-resource-check';
import { ScheduleExpressionSchema } from './schedule-expression';
import { DEFAULT_TRACING_MODE, TracingModeSchema } from './tracing-mode';
import { webhookResourcesNotSynced, WebhooksConfigSchema } from './webhooks-config';

export const STAGE_NAMES = ['sandbox', 'production'] as const;
export const StageNameSchema = z.enum(STAGE_NAMES);
export type StageName = z.infer<typeof StageNameSchema>;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

/** The DMSA secret: a name in the stack's account and region, or a complete secret ARN. */
const SecretReferenceSchema = z.string().refine((value) => SECRET_ARN.test(value) || (!value.startsWith('arn:') && SECRET_NAME.test(value)), {
  message: 'must be a Secrets Manager secret name or a complete secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>)',
});

// Lambda's SQS event source limits: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
const MaximumConcurrency = z.number().int().min(2).max(1000);
// The connector's attempts at a message; its queue's redrive allows one receive more (a spare for a
// message whose last attempt died, functions/commons/failure/decisions.ts), within SQS's 1,000.
const MaxReceiveCount = z.number().int().min(1).max(999);
/**
 * AWS: "Set the maxReceiveCount on the source queue's redrive policy to at least 5. This improves the
 * chances of messages being processed before reaching the DLQ" (throttled invocations count as receives).
 * https://docs.aws.amazon.com/lambda/latest/operatorguide/sqs-retries.html
 */
const LambdaSourceMaxReceiveCount = MaxReceiveCount.min(5, {
  message: 'must be at least 5 for a queue a Lambda function consumes (AWS: throttled receives count too; fewer moves healthy messages to the DLQ)',
});

export const PushConfigSchema = z
  .object({
    /** FIFO keeps per-group order (push queue and its DLQ become .fifo). */
    fifo: z.boolean().default(false),
    batchSize: z.number().int().min(1).max(10000).default(10),
    maxConcurrency: MaximumConcurrency.default(2),
    maxReceiveCount: LambdaSourceMaxReceiveCount.default(5),
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
    maxReceiveCount: LambdaSourceMaxReceiveCount.default(5),
    /**
     * How many continuations one sync job may chain (the worker's own bound on its SQS -> Lambda ->
     * SQS loop, since the stack lets Lambda's recursive loop detection allow it: see pull-pipeline.ts).
     * 100 continuations of a 5-minute worker are over 8 hours of paging for one scope.
     */
    maxContinuations: z.number().int().min(1).max(10000).default(100),
  })
  .strict();

/** The discovery company id the shipped cdk.json once carried; it names no real company. */
const PLACEHOLDER_COMPANY_ID = 1234567;

// SyncConfigSchema is built with zod/mini (functions/commons/validation/zod.ts): its shape, strict as it is.
const StageSyncConfigSchema = z
  .strictObject({
    ...SyncConfigSchema.shape,
    /** When the planner runs: an EventBridge rate(...) or cron(...) expression. */
    schedule: ScheduleExpressionSchema,
  })
  .superRefine((sync, ctx) => {
    if (sync.discoveryCompanyId === PLACEHOLDER_COMPANY_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['discoveryCompanyId'],
        message: `${PLACEHOLDER_COMPANY_ID} is a placeholder, not a company: set the id of a company where the app is installed, or remove the field`,
      });
    }
  });
// discoveryCompanyId is optional with companies "all": the planner also asks from the companies the
// last discovery found (state table), and a first run with neither fails naming the setting
// (functions/pull/discovery/discover-companies.ts).

/** A value the shipped cdk.json leaves for the user to fill in, e.g. "<12-digit AWS account id>". */
const PLACEHOLDER = /^<.*>$/;
// RFC 2606 / RFC 6761 names: mail to them never reaches anyone.
const RESERVED_MAIL_DOMAIN = /@(.+\.)?(example\.(com|net|org)|example|invalid|test|localhost)$/i;

/** `schema`, with a message that says so when the value is still the shipped placeholder. */
function filledIn(schema: z.ZodType<string>, what: string) {
  return z.string().superRefine((value, ctx) => {
    if (PLACEHOLDER.test(value)) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is the placeholder of the shipped cdk.json: put ${what} here` });
      return;
    }
    const result = schema.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });
}

const AccountSchema = filledIn(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'), 'the 12-digit AWS account id to deploy into');
const RegionSchema = filledIn(
  z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'must be an AWS region code such as eu-west-1'),
  'the AWS region to deploy into (e.g. eu-west-1)',
);
const AlarmEmailSchema = filledIn(
  z.email().refine((email) => !RESERVED_MAIL_DOMAIN.test(email), {
    message: 'uses a reserved example domain: no one can confirm the subscription or read the alarms',
  }),
  'the e-mail address that should receive the alarms',
);
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

const StageConfigShape = {
  /** AWS account the stage deploys into; production must pin it, sandbox may (otherwise the shell's). */
  account: AccountSchema.optional(),
  /** AWS region the stage deploys into; production must pin it. */
  region: RegionSchema.optional(),
  procore: ProcoreEnvironmentSchema,
  /** Secrets Manager secret holding {"client_id", "client_secret"}. */
  dmsaSecret: SecretReferenceSchema,
  /** The customer managed KMS key encrypting the DMSA secret, if not the AWS managed one: functions get kms:Decrypt on it. */
  dmsaSecretKmsKeyArn: z.string().regex(KMS_KEY_ARN, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)').optional(),
  sync: StageSyncConfigSchema,
  push: PushConfigSchema.prefault({}),
  pullWorker: PullWorkerConfigSchema.prefault({}),
  /** Where alarm notifications go; production must name a real address. */
  alarmEmail: AlarmEmailSchema.optional(),
  /**
   * X-Ray: "lambda" (default) Lambda's active tracing, one segment per invocation, no SDK in the
   * function; "subsegments" also Powertools Tracer's subsegments (AWS SDK and Procore calls, handler
   * annotations), at the cold-start cost of the X-Ray SDK, which reaches end of support on 2027-02-25;
   * "off" no tracing (lib/config/tracing-mode.ts).
   */
  tracing: TracingModeSchema.default(DEFAULT_TRACING_MODE),
  /**
   * Resources declared here, beside the built-in ones, keyed by name: the same declaration the
   * built-in ones have (functions/commons/resources/resource-declaration.ts). Every request they
   * lead to is checked against docs/procore-endpoints.tsv; list a name in sync.resources to pull it.
   */
  resources: z.record(z.string(), ResourceFieldsDeclarationSchema).default({}),
  /** Change capture by Procore webhooks (lib/config/webhooks-config.ts); absent: polling only. */
  webhooks: WebhooksConfigSchema.optional(),
};

/** The declared resources with their names, as the registry takes them. */
export function declaredResourcesOf(config: Pick<StageConfig, 'resources'>): ResourceDefinition[] {
  return Object.entries(config.resources).map(([name, fields]) => ({ name, ...fields }));
}

/** Declared resources: no built-in name, every request a declared Procore operation; sync.resources known. */
function checkResources(config: Pick<StageConfig, 'resources' | 'sync'>, ctx: z.RefinementCtx): void {
  const builtIn = new Set(builtInResourceNames());
  for (const resource of declaredResourcesOf(config)) {
    const badName = ResourceNameSchema.safeParse(resource.name).error?.issues[0]?.message;
    if (badName) {
      ctx.addIssue({ code: 'custom', path: ['resources', resource.name], message: badName });
      continue;
    }
    if (builtIn.has(resource.name)) {
      ctx.addIssue({ code: 'custom', path: ['resources', resource.name], message: 'is a built-in resource; declare another name' });
      continue;
    }
    for (const problem of checkDeclaredRequests(resource, declaredOperations())) {
      ctx.addIssue({ code: 'custom', path: ['resources', resource.name, ...problem.path], message: problem.message });
    }
  }
  const known = [...builtIn, ...Object.keys(config.resources)];
  // Push-only resources (no list, e.g. budget line items) are written, never pulled.
  const pushOnly = new Set([...listResources(), ...declaredResourcesOf(config)].filter((r) => !r.paths.list).map((r) => r.name));
  config.sync.resources.forEach((name, index) => {
    if (!known.includes(name)) {
      ctx.addIssue({ code: 'custom', path: ['sync', 'resources', index], message: `unknown resource ${JSON.stringify(name)}; known: ${known.join(', ')}` });
    } else if (pushOnly.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sync', 'resources', index],
        message: `${name} is push-only (Procore declares no list for it): it cannot be pulled`,
      });
    }
  });
}

export const StageConfigSchema = z.object(StageConfigShape).strict().superRefine(checkResources);

const requiredForProduction = (what: string) => ({ error: `production needs ${what} (stages.production in cdk.json)` });

/** Production deploys only where and to whom it says: account, region and alarm e-mail are required. */
const ProductionStageConfigSchema = z
  .object({
    ...StageConfigShape,
    account: z.string(requiredForProduction('the AWS account to deploy into')).pipe(AccountSchema),
    region: z.string(requiredForProduction('the AWS region to deploy into')).pipe(RegionSchema),
    alarmEmail: z.string(requiredForProduction('an e-mail address for the alarms')).pipe(AlarmEmailSchema),
  })
  .strict()
  .superRefine(checkResources);

export type StageConfig = z.infer<typeof StageConfigSchema>;
export type PushConfig = z.infer<typeof PushConfigSchema>;
export type PullWorkerConfig = z.infer<typeof PullWorkerConfigSchema>;

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

function formatIssues(prefix: string, error: z.ZodError): string {
  return error.issues.map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('\n');
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
  const result = (stage === 'production' ? ProductionStageConfigSchema : StageConfigSchema).safeParse(raw);
  if (!result.success) throw new StageConfigError(formatIssues(`stages.${stage}`, result.error));
  const unsynced = webhookResourcesNotSynced(result.data.webhooks, result.data.sync.resources);
  if (unsynced.length > 0) {
    throw new StageConfigError(
      `stages.${stage}.webhooks.resources: ${unsynced.join(', ')} not in sync.resources (its scheduled pull reconciles what webhooks miss)`,
    );
  }
  return { stage, config: result.data };
}

/** Production keeps its data (table, queues, logs, key) when the stack or a resource is removed. */
export function retainsData(stage: StageName): boolean {
  return stage === 'production';
}
