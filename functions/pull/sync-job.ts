// Sync job, version 1: the message the planner (and a worker handing over a continuation) puts on
// the sync-jobs queue. One job pulls one scope up to windowEnd.
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import * as z from '../commons/validation/zod';
import { ProcoreIdSchema } from '../commons/contracts/procore-id';
import { ResourceNameSchema } from '../commons/resources/names';
import type { SyncScope } from './sync-scope';

const Timestamp = z.iso.datetime({ offset: true });

export const SyncJobSchema = z.strictObject({
  version: z.literal(1),
  /** Also the holder of the scope's lease; a continuation keeps its job's id. */
  jobId: z.string().check(z.minLength(1), z.maxLength(100)),
  companyId: ProcoreIdSchema,
  projectId: z.nullable(ProcoreIdSchema),
  resource: ResourceNameSchema,
  /** Upper bound of the updated_at window: the planner run's time. The cursor becomes this. */
  windowEnd: Timestamp,
  /** Lower bound, fixed by a continuation so it reads the same window; otherwise from the cursor. */
  windowStart: z.optional(Timestamp),
  /** Where a continuation goes on in its window: the next updated_at slice starts here (window-walk.ts). */
  resumeFrom: z.optional(Timestamp),
  /** With resumeFrom: the page to read next while paging one crowded second (else 1). Without
   * resumeFrom (a message of an older version, which paged the whole window) it is ignored and the
   * window starts over: records come again, none is skipped. */
  startPage: z.optional(z.number().check(z.int(), z.positive())),
  /** The crowded second's Total when the previous invocation handed over (shrink detection). */
  seenTotal: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** The width of the next slice, in seconds (the previous invocation's estimate). */
  sliceSeconds: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** How many continuations came before this message in its chain (absent: none). See continuation.ts. */
  continuation: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** Ignore the cursor and read everything up to windowEnd (full resync). */
  full: z.optional(z.boolean()),
  /** A reconciliation pull of a webhook resource: records the webhook path already delivered as the
   * same version are left out (content-hash/delivered-markers.ts). */
  reconcile: z.optional(z.boolean()),
  /** First pull of a scope (no cursor yet) reaches this far back from windowEnd. */
  initialLookbackDays: z.optional(z.number().check(z.int(), z.positive(), z.lte(36500))),
  /** Re-read this much before the cursor, for records whose updated_at lags their commit. */
  overlapSeconds: z.optional(z.number().check(z.int(), z.nonnegative(), z.lte(86400))),
});

export type SyncJob = z.infer<typeof SyncJobSchema>;

export function scopeOfJob(job: SyncJob): SyncScope {
  return { companyId: job.companyId, projectId: job.projectId, resource: job.resource };
}

/** Attributes on sync-jobs messages, so a DLQ listing shows the scope without parsing bodies. */
export function jobMessageAttributes(job: SyncJob): Record<string, MessageAttributeValue> {
  return {
    resource: { DataType: 'String', StringValue: job.resource },
    companyId: { DataType: 'Number', StringValue: String(job.companyId) },
    ...(job.projectId !== null ? { projectId: { DataType: 'Number', StringValue: String(job.projectId) } } : {}),
  };
}
