// Sync job, version 1: the message the planner (and a worker handing over a continuation) puts on
// the sync-jobs queue. One job pulls one scope up to windowEnd.
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { ProcoreIdSchema } from '../commons/contracts/procore-id';
import { ResourceNameSchema } from '../commons/resources/names';
import type { SyncScope } from './sync-scope';

const Timestamp = z.iso.datetime({ offset: true });

export const SyncJobSchema = z
  .object({
    version: z.literal(1),
    /** Also the holder of the scope's lease; a continuation keeps its job's id. */
    jobId: z.string().min(1).max(100),
    companyId: ProcoreIdSchema,
    projectId: ProcoreIdSchema.nullable(),
    resource: ResourceNameSchema,
    /** Upper bound of the updated_at window: the planner run's time. The cursor becomes this. */
    windowEnd: Timestamp,
    /** Lower bound, fixed by a continuation so it reads the same window; otherwise from the cursor. */
    windowStart: Timestamp.optional(),
    /** Where a continuation goes on in its window: the next updated_at slice starts here (window-walk.ts). */
    resumeFrom: Timestamp.optional(),
    /** With resumeFrom: the page to read next while paging one crowded second (else 1). Without
     * resumeFrom (a message of an older version, which paged the whole window) it is ignored and the
     * window starts over: records come again, none is skipped. */
    startPage: z.number().int().positive().optional(),
    /** The crowded second's Total when the previous invocation handed over (shrink detection). */
    seenTotal: z.number().int().nonnegative().optional(),
    /** The width of the next slice, in seconds (the previous invocation's estimate). */
    sliceSeconds: z.number().int().nonnegative().optional(),
    /** How many continuations came before this message in its chain (absent: none). See continuation.ts. */
    continuation: z.number().int().nonnegative().optional(),
    /** Ignore the cursor and read everything up to windowEnd (full resync). */
    full: z.boolean().optional(),
    /** A reconciliation pull of a webhook resource: records the webhook path already delivered as the
     * same version are left out (content-hash/delivered-markers.ts). */
    reconcile: z.boolean().optional(),
    /** First pull of a scope (no cursor yet) reaches this far back from windowEnd. */
    initialLookbackDays: z.number().int().positive().max(36500).optional(),
    /** Re-read this much before the cursor, for records whose updated_at lags their commit. */
    overlapSeconds: z.number().int().nonnegative().max(86400).optional(),
  })
  .strict();

export type SyncJob = z.infer<typeof SyncJobSchema>;

export const DEFAULT_INITIAL_LOOKBACK_DAYS = 365;
export const DEFAULT_OVERLAP_SECONDS = 300;

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
