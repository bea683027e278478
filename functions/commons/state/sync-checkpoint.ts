// Where a scope's pull stands when it spans several worker invocations: the continuation job
// carries the same position; this copy is for operators (status) and is removed when the window
// completes.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync/sync-scope';
import type { SyncTable } from './sync-cursor';
import { syncStateKey, TTL_ATTRIBUTE, ttlSeconds } from './sync-state-keys';

export interface SyncCheckpoint {
  jobId: string;
  windowStart: string;
  windowEnd: string;
  nextPage: number;
  recordsSoFar: number;
  savedAt: string;
}

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

export async function clearCheckpoint(table: SyncTable, scope: SyncScope): Promise<void> {
  await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: syncStateKey('checkpoint', scope) }));
}
