// A scope's lease: taken by the planner when it enqueues a job, claimed again by the worker each
// time the job (or its continuation) starts, renewed with every checkpoint, released when the job
// ends (done, paused or dead-lettered). While it is held the planner skips the scope, so overlapping
// planner runs (or a slow job) never put two jobs for one scope in flight. A lease also expires,
// because a job can vanish without releasing it (its message went to the DLQ after retries); its
// duration covers the worst redelivery span (see lease-duration.ts). The holder is the job id, and
// every checkpoint and cursor write is conditional on it (fencing, see ../lease-fence.ts).
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { conditionalWrite, syncStateItem, syncStateKey, type TransactItem, TTL_ATTRIBUTE, ttlSeconds } from './state-keys';

/** Who holds (or wants) a lease, and for how long from when. */
export interface LeaseTerms {
  holder: string;
  durationMs: number;
  now: number;
}

/** Expired leases linger this long before DynamoDB's TTL sweeps them (only for tidiness). */
const TTL_GRACE_MS = 24 * 3600 * 1000;

/** Takes the lease for `holder` unless another holder has it and it has not expired. */
export async function acquireLease(table: SyncTable, scope: SyncScope, holder: string, options: { durationMs: number; now: number }): Promise<boolean> {
  const expiresAtMs = options.now + options.durationMs;
  return conditionalWrite(() =>
    table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: syncStateItem(
          'lease',
          scope,
          { holder, acquiredAt: new Date(options.now).toISOString(), durationMs: options.durationMs, expiresAtMs },
          expiresAtMs + TTL_GRACE_MS,
        ),
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now',
        ExpressionAttributeValues: { ':now': options.now },
      }),
    ),
  );
}

/**
 * A job starting (or continuing) takes its scope's lease: it keeps it when it holds it already, takes
 * it when there is none or it expired, and gets false when another holder's lease is still running
 * (that job superseded this one). Taking an expired lease of another job is what lets a redriven or
 * late job run; the other job, should it still be alive, is fenced out at its next write.
 */
export async function claimLease(table: SyncTable, scope: SyncScope, terms: LeaseTerms): Promise<boolean> {
  const expiresAtMs = terms.now + terms.durationMs;
  return conditionalWrite(() =>
    table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: syncStateKey('lease', scope),
        UpdateExpression:
          'SET kind = :kind, companyId = :companyId, projectId = :projectId, #resource = :resource, holder = :holder, ' +
          'durationMs = :durationMs, expiresAtMs = :expiresAtMs, #ttl = :ttl, acquiredAt = if_not_exists(acquiredAt, :acquiredAt)',
        ConditionExpression: 'attribute_not_exists(pk) OR holder = :holder OR expiresAtMs < :now',
        ExpressionAttributeNames: { '#resource': 'resource', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':kind': 'lease',
          ':companyId': scope.companyId,
          ':projectId': scope.projectId,
          ':resource': scope.resource,
          ':holder': terms.holder,
          ':durationMs': terms.durationMs,
          ':expiresAtMs': expiresAtMs,
          ':ttl': ttlSeconds(expiresAtMs + TTL_GRACE_MS),
          ':acquiredAt': new Date(terms.now).toISOString(),
          ':now': terms.now,
        },
      }),
    ),
  );
}

/** Transaction item: extends `holder`'s lease to now + durationMs; fails the transaction when `holder` no longer has it. */
export function renewLeaseItem(table: SyncTable, scope: SyncScope, terms: LeaseTerms): TransactItem {
  const expiresAtMs = terms.now + terms.durationMs;
  return {
    Update: {
      TableName: table.tableName,
      Key: syncStateKey('lease', scope),
      UpdateExpression: 'SET expiresAtMs = :expiresAtMs, durationMs = :durationMs, #ttl = :ttl',
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':expiresAtMs': expiresAtMs,
        ':durationMs': terms.durationMs,
        ':ttl': ttlSeconds(expiresAtMs + TTL_GRACE_MS),
        ':holder': terms.holder,
      },
    },
  };
}

/** Transaction item: releases `holder`'s lease; fails the transaction when `holder` no longer has it. */
export function releaseLeaseItem(table: SyncTable, scope: SyncScope, holder: string): TransactItem {
  return {
    Delete: {
      TableName: table.tableName,
      Key: syncStateKey('lease', scope),
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':holder': holder },
    },
  };
}

/** Extends the holder's lease by its original duration (a long scope handing over to a continuation). */
export async function renewLease(table: SyncTable, scope: SyncScope, holder: string, now: number): Promise<boolean> {
  return conditionalWrite(() =>
    table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: syncStateKey('lease', scope),
        UpdateExpression: 'SET expiresAtMs = :now + durationMs, #ttl = :ttl',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': now, ':holder': holder, ':ttl': ttlSeconds(now + TTL_GRACE_MS * 2) },
      }),
    ),
  );
}

/** Releases the lease if `holder` still has it (a newer holder's lease is left alone). */
export async function releaseLease(table: SyncTable, scope: SyncScope, holder: string): Promise<void> {
  // A newer holder's lease makes the condition fail: nothing to release.
  await conditionalWrite(() => table.db.send(new DeleteCommand(releaseLeaseItem(table, scope, holder).Delete!)));
}
