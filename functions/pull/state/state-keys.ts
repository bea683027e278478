// Where sync state lives in the one state table (pk + sk strings). All items of a company share
// a partition, so "what is the state of company N" is one Query (begins_with on sk per kind).
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync-scope';
import { scopeId } from '../sync-scope';

/** `inactive`: ids already delivered as inactive (inactive-set.ts), one item per chunk. */
export type SyncStateKind = 'cursor' | 'lease' | 'checkpoint' | 'failure' | 'inactive';

export interface TableKey {
  pk: string;
  sk: string;
}

export function syncPartition(companyId: number): string {
  return `sync#company#${companyId}`;
}

export function syncStateKey(kind: SyncStateKind, scope: SyncScope): TableKey {
  return { pk: syncPartition(scope.companyId), sk: `${kind}#${scopeId(scope)}` };
}

/** DynamoDB TTL attribute of the state table (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiration';

export function ttlSeconds(epochMs: number): number {
  return Math.ceil(epochMs / 1000);
}

/**
 * A scope's state item as every kind writes it: its key, kind and scope, then its own fields, and
 * the TTL attribute when DynamoDB may sweep it after `sweepAfterMs` (epoch ms).
 */
export function syncStateItem(kind: SyncStateKind, scope: SyncScope, fields: object, sweepAfterMs?: number): Record<string, unknown> {
  return { ...syncStateKey(kind, scope), kind, ...scope, ...fields, ...(sweepAfterMs === undefined ? {} : { [TTL_ATTRIBUTE]: ttlSeconds(sweepAfterMs) }) };
}

/** Makes a conditional write: true when it was made, false when its condition did not hold. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** One write of a TransactWriteItems call (lib-dynamodb's shape). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The condition failures of a cancelled transaction, by item position (true: that item's condition
 * failed); undefined when the error is not a transaction cancelled by conditions.
 */
export function failedConditions(error: unknown): boolean[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const failed = reasons.map((reason) => reason.Code === 'ConditionalCheckFailed');
  return failed.some(Boolean) ? failed : undefined;
}
