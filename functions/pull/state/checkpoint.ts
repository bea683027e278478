// Where a scope's pull stands: saved after every delivered page and at a hand-over, removed when the
// window completes. A job that comes back after its worker died (crash, kill, timeout, a transient
// failure) resumes here instead of at its first page, so it repeats at most the page in flight.
// Operators see it in `status`.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { syncStateKey, TTL_ATTRIBUTE, ttlSeconds } from './state-keys';

const SyncCheckpointSchema = z.object({
  jobId: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  nextPage: z.number().int().positive(),
  recordsSoFar: z.number().int().nonnegative(),
  savedAt: z.string(),
  /** The result set's size when this page was read (shrink detection on resume). */
  seenTotal: z.number().int().nonnegative().optional(),
});
export type SyncCheckpoint = z.infer<typeof SyncCheckpointSchema>;

const CHECKPOINT_TTL_MS = 7 * 24 * 3600 * 1000;

export async function saveCheckpoint(table: SyncTable, scope: SyncScope, checkpoint: SyncCheckpoint): Promise<void> {
  await table.db.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        ...syncStateKey('checkpoint', scope),
        kind: 'checkpoint',
        ...scope,
        ...checkpoint,
        [TTL_ATTRIBUTE]: ttlSeconds(Date.parse(checkpoint.savedAt) + CHECKPOINT_TTL_MS),
      },
    }),
  );
}

/** The scope's checkpoint; undefined when there is none or it is unreadable (the job then starts from its own position). */
export async function readCheckpoint(table: SyncTable, scope: SyncScope): Promise<SyncCheckpoint | undefined> {
  const { Item } = await table.db.send(
    new GetCommand({ TableName: table.tableName, Key: syncStateKey('checkpoint', scope), ConsistentRead: true }),
  );
  const parsed = SyncCheckpointSchema.safeParse(Item);
  return parsed.success ? parsed.data : undefined;
}

export async function clearCheckpoint(table: SyncTable, scope: SyncScope): Promise<void> {
  await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: syncStateKey('checkpoint', scope) }));
}
