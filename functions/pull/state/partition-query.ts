// Reads a company's sync partition (every page of the Query), or the part of it under one sort-key
// prefix: the one paged read the planner, the removal pass and `status` share.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncTable } from './cursor';
import { syncPartition } from './state-keys';

export async function querySyncPartition(
  table: SyncTable,
  companyId: number,
  options: { skPrefix?: string; projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: options.skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': syncPartition(companyId), ...(options.skPrefix === undefined ? {} : { ':prefix': options.skPrefix }) },
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
