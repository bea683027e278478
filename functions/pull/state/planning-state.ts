// What the planner needs from the state table to decide which of a company's scopes to enqueue:
// each scope's cursor (when it last completed a pull) and back-off (when it may be tried again).
// Two key-range reads per company, not one read per scope.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ScopeTiming } from '../cadence/scope-turn';
import type { SyncTable } from './cursor';
import { syncPartition, type SyncStateKind } from './state-keys';

export type ScopeTimings = Map<string, Omit<ScopeTiming, 'projectActive'>>;

/** Cursor and back-off per scope id (see sync-scope.ts scopeId) of one company. */
export async function readScopeTimings(table: SyncTable, companyId: number): Promise<ScopeTimings> {
  const timings: ScopeTimings = new Map();
  const entry = (scopeId: string) => timings.get(scopeId) ?? timings.set(scopeId, {}).get(scopeId)!;
  for (const item of await itemsOfKind(table, companyId, 'cursor', 'sk, cursorMs')) {
    if (typeof item.cursorMs === 'number') entry(scopeIdOf(item.sk, 'cursor')).cursorMs = item.cursorMs;
  }
  for (const item of await itemsOfKind(table, companyId, 'failure', 'sk, retryAtMs')) {
    if (typeof item.retryAtMs === 'number') entry(scopeIdOf(item.sk, 'failure')).retryAtMs = item.retryAtMs;
  }
  return timings;
}

function scopeIdOf(sk: unknown, kind: SyncStateKind): string {
  return String(sk).slice(kind.length + 1);
}

async function itemsOfKind(table: SyncTable, companyId: number, kind: SyncStateKind, projection: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': syncPartition(companyId), ':prefix': `${kind}#` },
        ProjectionExpression: projection,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
