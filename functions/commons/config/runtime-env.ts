// The environment variables the CDK stack gives each function, validated once at cold start.
// This is the one contract between lib/ (which sets them) and functions/ (which reads them).
import * as z from '../validation/zod';
import { resolveProcoreEnvironment, type ProcoreEnvironment } from '../procore/environments';
import { DeclaredResourcesEnvSchema } from '../resources/declared-resources';

// The webhook receiver's schema is in webhook-receiver-env.ts: the receiver loads it without the
// resource registry these schemas reference.
export { readEnv } from './read-env';

const optionalUrl = z.optional(z.url());

/**
 * Attempts the connector makes at a message of its source queue (the stage's maxReceiveCount; the
 * queue's redrive allows one receive more). A retried failure is dead-lettered with its reason on
 * the last attempt, and a message received after it (that attempt died) at once, instead of being
 * moved anonymously by SQS's redrive. Unset: the redrive does it.
 */
const optionalMaxAttempts = z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(999)));

export const CommonEnvSchema = z.object({
  CONNECTOR_STAGE: z.string().check(z.minLength(1)),
  PROCORE_ENVIRONMENT: z.enum(['production', 'sandbox', 'monthly-sandbox', 'custom']),
  PROCORE_LOGIN_URL: optionalUrl,
  PROCORE_API_URL: optionalUrl,
  DMSA_SECRET_ID: z.string().check(z.minLength(1)),
  STATE_TABLE_NAME: z.string().check(z.minLength(1)),
  ...DeclaredResourcesEnvSchema.shape,
});

export const PushEnvSchema = z.extend(CommonEnvSchema, {
  /** The push queue itself (rate-limited messages are held on it until Procore's reset). Unset:
   * they come back after the queue's visibility timeout. */
  PUSH_QUEUE_URL: optionalUrl,
  PUSH_DLQ_URL: z.url(),
  MAX_ATTEMPTS: optionalMaxAttempts,
  RESULTS_QUEUE_URL: optionalUrl,
});

/** How long a scope's lease runs (functions/pull/lease-duration.ts); absent: the default redelivery span's. */
const SyncLeaseSeconds = z.optional(z.coerce.number().check(z.int(), z.positive(), z.lte(7 * 24 * 3600)));

export const PlannerEnvSchema = z
  .extend(CommonEnvSchema, {
    SYNC_JOBS_QUEUE_URL: z.url(),
    /** JSON of the stage's sync scope (SyncConfigSchema), inline: how local harnesses pass it. */
    SYNC_CONFIG: z.optional(z.string().check(z.minLength(2))),
    /** The same JSON as a file in the function's code (LAMBDA_TASK_ROOT): how the stack passes it, any size. */
    SYNC_CONFIG_FILE: z.optional(z.string().check(z.minLength(1))),
    SYNC_LEASE_SECONDS: SyncLeaseSeconds,
  })
  .check(
    z.refine((env) => (env.SYNC_CONFIG === undefined) !== (env.SYNC_CONFIG_FILE === undefined), {
      path: ['SYNC_CONFIG'],
      message: 'set exactly one of SYNC_CONFIG (inline JSON) and SYNC_CONFIG_FILE (a file in the function code)',
    }),
  );

/** What a function that delivers records needs (the pull worker and the webhook events consumer). */
const RecordDeliveryEnv = {
  RECORDS_QUEUE_URL: z.url(),
  MAX_ATTEMPTS: optionalMaxAttempts,
  /** The S3 bucket for records too large for one queue message (claim check). */
  CLAIM_CHECK_BUCKET: z.optional(z.string().check(z.minLength(3), z.maxLength(63))),
};

export const WorkerEnvSchema = z.extend(CommonEnvSchema, {
  SYNC_JOBS_QUEUE_URL: z.url(),
  SYNC_JOBS_DLQ_URL: z.url(),
  ...RecordDeliveryEnv,
  /** Continuations per chain before a job pauses (functions/pull/continuation.ts); absent: stays under Lambda's recursion limit. */
  MAX_CONTINUATIONS: z.optional(z.coerce.number().check(z.int(), z.nonnegative(), z.lte(100_000))),
  SYNC_LEASE_SECONDS: SyncLeaseSeconds,
});

export const WebhookEventsEnvSchema = z.extend(CommonEnvSchema, {
  WEBHOOK_EVENTS_QUEUE_URL: z.url(),
  WEBHOOK_EVENTS_DLQ_URL: z.url(),
  ...RecordDeliveryEnv,
  /** Resources whose events are turned into records (the stage's webhooks.resources), comma-separated. */
  WEBHOOK_RESOURCES: z.string().check(z.minLength(1)),
});

export function procoreEnvironmentFrom(env: z.infer<typeof CommonEnvSchema>): ProcoreEnvironment {
  if (env.PROCORE_ENVIRONMENT === 'custom') {
    if (!env.PROCORE_LOGIN_URL || !env.PROCORE_API_URL) {
      throw new Error('Invalid function environment: PROCORE_ENVIRONMENT=custom needs PROCORE_LOGIN_URL and PROCORE_API_URL');
    }
    return resolveProcoreEnvironment({ name: 'custom', loginUrl: env.PROCORE_LOGIN_URL, apiUrl: env.PROCORE_API_URL });
  }
  return resolveProcoreEnvironment({ name: env.PROCORE_ENVIRONMENT });
}
