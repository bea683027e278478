// The ids of a scope's records already delivered as inactive (vendors, company users). Procore's
// inactive lists take no updated_at filter, so each pull reads the whole list and delivers only the
// ids not in this set; an id that left the list (reactivated) drops out, so a later deactivation is
// delivered again. Kept in chunks so a company with many inactive records stays under DynamoDB's
// 400 KB item limit.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync-scope';
import type { SyncTable } from './cursor';
import { querySyncPartition } from './partition-query';
import { syncPartition, syncStateKey } from './state-keys';

/** Ids per item: 16-digit ids stay far below 400 KB. */
const IDS_PER_CHUNK = 5000;

export interface DeliveredInactive {
  ids: Set<number>;
  /** How many chunk items hold them (the next save deletes the ones it no longer needs). */
  chunks: number;
}

function chunkPrefix(scope: SyncScope): string {
  return `${syncStateKey('inactive', scope).sk}#`;
}

export async function readDeliveredInactive(table: SyncTable, scope: SyncScope): Promise<DeliveredInactive> {
  const items = await querySyncPartition(table, scope.companyId, { skPrefix: chunkPrefix(scope) });
  const ids = new Set<number>();
  for (const item of items) for (const id of (item.ids as unknown[] | undefined) ?? []) if (typeof id === 'number') ids.add(id);
  return { ids, chunks: items.length };
}

/** Replaces the set with `ids` (the inactive list as just read). */
export async function saveDeliveredInactive(table: SyncTable, scope: SyncScope, ids: number[], previousChunks: number, savedAt: string): Promise<void> {
  const sorted = [...ids].sort((a, b) => a - b);
  const chunks = Math.ceil(sorted.length / IDS_PER_CHUNK);
  for (let n = 0; n < chunks; n++) {
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: syncPartition(scope.companyId),
          sk: `${chunkPrefix(scope)}${n}`,
          kind: 'inactive',
          ...scope,
          chunk: n,
          ids: sorted.slice(n * IDS_PER_CHUNK, (n + 1) * IDS_PER_CHUNK),
          total: sorted.length,
          savedAt,
        },
      }),
    );
  }
  for (let n = chunks; n < previousChunks; n++) {
    await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: syncPartition(scope.companyId), sk: `${chunkPrefix(scope)}${n}` } }));
  }
}
