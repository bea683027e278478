// Where a scope's pull stands: saved after every delivered page and at a hand-over, removed when the
// window completes. A job that comes back after its worker died (crash, kill, timeout, a transient
// failure) resumes here instead of at its first page, and a later job of the same scope adopts it
// when the job that wrote it is gone, so either repeats at most the page in flight.
// Operators see it in `status`. Within one window a checkpoint never moves backwards: a write that
// would lower recordsSoFar (a late, stale writer) is refused.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../../commons/validation/zod';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { conditionalWrite, syncStateItem, syncStateKey, type TransactItem } from './state-keys';

const SyncCheckpointSchema = z.object({
  jobId: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  /** The next updated_at slice starts here (window-walk.ts). Absent in checkpoints of older versions: the window starts over. */
  resumeFrom: z.optional(z.string()),
  /** 1, or the page to read next while paging one crowded second (resumeFrom...resumeFrom). */
  nextPage: z.number().check(z.int(), z.positive()),
  /** The width of the next slice, in seconds (the walk's estimate). */
  sliceSeconds: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** Records delivered in this window so far, across every job and invocation that worked on it. */
  recordsSoFar: z.number().check(z.int(), z.nonnegative()),
  savedAt: z.string(),
  /** The crowded second's Total when this page was read (shrink detection on resume). */
  seenTotal: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** Lists read per parent record (parent-walk.ts): the parent whose list `resumeFrom`/`nextPage` are in. */
  parentId: z.optional(z.number().check(z.int(), z.positive())),
});
export type SyncCheckpoint = z.infer<typeof SyncCheckpointSchema>;

const CHECKPOINT_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Within one job (its continuations and redeliveries keep its id) a window's checkpoint only moves
 * forward. Another job's or another window's may be replaced: the lease fence decides who writes, and
 * a job that holds the lease without adopting the checkpoint (one left behind by a window the cursor
 * already covers) starts its own position.
 */
const FORWARD_ONLY = 'attribute_not_exists(pk) OR jobId <> :jobId OR windowEnd <> :windowEnd OR recordsSoFar <= :recordsSoFar';

/** Transaction item: the checkpoint's Put, refused when it would move this window's checkpoint back. */
export function putCheckpointItem(table: SyncTable, scope: SyncScope, checkpoint: SyncCheckpoint): TransactItem {
  return {
    Put: {
      TableName: table.tableName,
      Item: syncStateItem('checkpoint', scope, checkpoint, Date.parse(checkpoint.savedAt) + CHECKPOINT_TTL_MS),
      ConditionExpression: FORWARD_ONLY,
      ExpressionAttributeValues: { ':jobId': checkpoint.jobId, ':windowEnd': checkpoint.windowEnd, ':recordsSoFar': checkpoint.recordsSoFar },
    },
  };
}

/** Saves the checkpoint without a lease fence (operators, tests); false when it would move backwards. */
export async function saveCheckpoint(table: SyncTable, scope: SyncScope, checkpoint: SyncCheckpoint): Promise<boolean> {
  const { Put } = putCheckpointItem(table, scope, checkpoint);
  return conditionalWrite(() => table.db.send(new PutCommand(Put!)));
}

/** The scope's checkpoint; undefined when there is none or it is unreadable (the job then starts from its own position). */
export async function readCheckpoint(table: SyncTable, scope: SyncScope): Promise<SyncCheckpoint | undefined> {
  const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: syncStateKey('checkpoint', scope), ConsistentRead: true }));
  const parsed = SyncCheckpointSchema.safeParse(Item);
  return parsed.success ? parsed.data : undefined;
}

/** Transaction item: removes the scope's checkpoint (its window is complete). */
export function deleteCheckpointItem(table: SyncTable, scope: SyncScope): TransactItem {
  return { Delete: { TableName: table.tableName, Key: syncStateKey('checkpoint', scope) } };
}
