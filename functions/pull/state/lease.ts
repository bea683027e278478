// A scope's lease: taken by the planner when it enqueues a job, released by the worker when the
// job ends (done or dead-lettered). While it is held the planner skips the scope, so overlapping
// planner runs (or a slow job) never put two jobs for one scope in flight. A lease also expires,
// because a job can vanish without releasing it (its message went to the DLQ after retries).
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { isConditionalCheckFailed, syncStateKey, TTL_ATTRIBUTE, ttlSeconds } from './state-keys';

/** Expired leases linger this long before DynamoDB's TTL sweeps them (only for tidiness). */
const TTL_GRACE_MS = 24 * 3600 * 1000;

/** Takes the lease for `holder` unless another holder has it and it has not expired. */
export async function acquireLease(
  table: SyncTable,
  scope: SyncScope,
  holder: string,
  options: { durationMs: number; now: number },
): Promise<boolean> {
  const expiresAtMs = options.now + options.durationMs;
  try {
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...syncStateKey('lease', scope),
          kind: 'lease',
          ...scope,
          holder,
          acquiredAt: new Date(options.now).toISOString(),
          durationMs: options.durationMs,
          expiresAtMs,
          [TTL_ATTRIBUTE]: ttlSeconds(expiresAtMs + TTL_GRACE_MS),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now',
        ExpressionAttributeValues: { ':now': options.now },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Extends the holder's lease by its original duration (a long scope handing over to a continuation). */
export async function renewLease(table: SyncTable, scope: SyncScope, holder: string, now: number): Promise<boolean> {
  try {
    await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: syncStateKey('lease', scope),
        UpdateExpression: 'SET expiresAtMs = :now + durationMs, #ttl = :ttl',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': now, ':holder': holder, ':ttl': ttlSeconds(now + TTL_GRACE_MS * 2) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Releases the lease if `holder` still has it (a newer holder's lease is left alone). */
export async function releaseLease(table: SyncTable, scope: SyncScope, holder: string): Promise<void> {
  try {
    await table.db.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: syncStateKey('lease', scope),
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
