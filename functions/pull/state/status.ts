// Everything the table knows about a company's sync scopes (cursors, leases, checkpoints,
// failures), for the CLI's status view.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncTable } from './cursor';
import { syncPartition, type SyncStateKind } from './state-keys';

export interface SyncStateItem {
  kind: SyncStateKind;
  companyId: number;
  projectId: number | null;
  resource: string;
  [field: string]: unknown;
}

export async function listSyncState(table: SyncTable, companyId: number): Promise<SyncStateItem[]> {
  const items: SyncStateItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': syncPartition(companyId) },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, ...rest } = item;
      items.push(rest as SyncStateItem);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
