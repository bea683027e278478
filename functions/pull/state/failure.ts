// The last permanent failure of a scope (e.g. the project is no longer permitted), kept next to its
// cursor so `status` shows why a scope stopped; the job itself is in the sync-jobs DLQ. It also holds
// the scope's back-off: how many times in a row it failed for good and when the planner may try it
// again (cadence/backoff.ts). A later successful pull of the scope clears it; `connector sync`
// clears the back-off (the failure stays on show until the pull succeeds).
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FailureReason } from '../../commons/queues/dead-letter';
import { backoffDelayMs } from '../cadence/backoff';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { conditionalWrite, syncStateItem, syncStateKey } from './state-keys';

const FAILURE_TTL_MS = 30 * 24 * 3600 * 1000;

export interface SyncFailure extends FailureReason {
  jobId: string;
  failedAt: string;
}

export interface ScopeBackoff {
  /** Permanent failures in a row, this one included. */
  consecutiveFailures: number;
  /** Epoch ms before which the planner does not enqueue the scope again. */
  retryAtMs: number;
}

/** Records the failure and backs the scope off: each failure in a row doubles the wait, up to a day. */
export async function recordSyncFailure(table: SyncTable, scope: SyncScope, failure: SyncFailure): Promise<ScopeBackoff> {
  // One job per scope at a time (the lease), so reading then writing the count does not race.
  const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: syncStateKey('failure', scope), ConsistentRead: true }));
  const previous = typeof Item?.consecutiveFailures === 'number' ? Item.consecutiveFailures : 0;
  const backoff = { consecutiveFailures: previous + 1, retryAtMs: Date.parse(failure.failedAt) + backoffDelayMs(previous + 1) };
  await putFailure(table, scope, failure, backoff);
  return backoff;
}

/**
 * Records why a scope stopped without backing it off: a job paused at the continuation bound, which
 * the next planner run must carry on (a back-off would keep it waiting for nothing).
 */
export function recordSyncPause(table: SyncTable, scope: SyncScope, failure: SyncFailure): Promise<void> {
  return putFailure(table, scope, failure, {});
}

async function putFailure(table: SyncTable, scope: SyncScope, failure: SyncFailure, backoff: ScopeBackoff | Record<string, never>): Promise<void> {
  await table.db.send(
    new PutCommand({
      TableName: table.tableName,
      Item: syncStateItem('failure', scope, { ...failure, ...backoff }, Date.parse(failure.failedAt) + FAILURE_TTL_MS),
    }),
  );
}

export async function clearSyncFailure(table: SyncTable, scope: SyncScope): Promise<void> {
  await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: syncStateKey('failure', scope) }));
}

/** Lets the planner enqueue the scope again at once and restarts its back-off; false when it had none. */
export async function clearBackoff(table: SyncTable, scope: SyncScope): Promise<boolean> {
  return conditionalWrite(() =>
    table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: syncStateKey('failure', scope),
        UpdateExpression: 'REMOVE consecutiveFailures, retryAtMs',
        ConditionExpression: 'attribute_exists(retryAtMs)',
      }),
    ),
  );
}
