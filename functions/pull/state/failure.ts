// The last permanent failure of a scope (e.g. the project is no longer permitted), kept next to its
// cursor so `status` shows why a scope stopped; the job itself is in the sync-jobs DLQ. A later
// successful pull of the scope clears it.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FailureReason } from '../../commons/queues/dead-letter';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { syncStateKey, TTL_ATTRIBUTE, ttlSeconds } from './state-keys';

const FAILURE_TTL_MS = 30 * 24 * 3600 * 1000;

export interface SyncFailure extends FailureReason {
  jobId: string;
  failedAt: string;
}

export async function recordSyncFailure(table: SyncTable, scope: SyncScope, failure: SyncFailure): Promise<void> {
  await table.db.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        ...syncStateKey('failure', scope),
        kind: 'failure',
        ...scope,
        ...failure,
        [TTL_ATTRIBUTE]: ttlSeconds(Date.parse(failure.failedAt) + FAILURE_TTL_MS),
      },
    }),
  );
}

export async function clearSyncFailure(table: SyncTable, scope: SyncScope): Promise<void> {
  await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: syncStateKey('failure', scope) }));
}
