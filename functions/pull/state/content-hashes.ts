// The content hash of every record a content-hash scope delivered (functions/pull/content-hash/),
// one small item per record in a partition of its own per scope
// (`sync#company#<id>#hashes#<scope>`, sort key the record id), so neither the planner's nor
// `status`'s reads of the company partition see them, and the worker's grant (prefix
// `sync#company#`) covers them. Cost, stated: a full listing reads the scope's hashes once (a
// Query of about 70 bytes per record: 10,000 records about 700 KB); only records whose hash
// changed, and ids that left the list, are written (BatchWriteItem, 25 per call), so an unchanged
// listing writes nothing.
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync-scope';
import { scopeId } from '../sync-scope';
import type { SyncTable } from './cursor';
import { syncPartition, TTL_ATTRIBUTE, ttlSeconds } from './state-keys';

/** DynamoDB's BatchWriteItem limit. */
const BATCH_WRITE_ITEMS = 25;
/** Rounds for items DynamoDB left unprocessed (throttling) before the job is retried. */
const UNPROCESSED_ROUNDS = 6;

/** Partition key of a scope's hashes: `sync#company#<id>#hashes#<scope>`. */
export function hashPartition(scope: SyncScope): string {
  return `${syncPartition(scope.companyId)}#hashes#${scopeId(scope)}`;
}

/** id (decimal text) → content hash, of every record the scope delivered and still lists. */
export async function readContentHashes(table: SyncTable, scope: SyncScope): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': hashPartition(scope) },
        ProjectionExpression: 'sk, h',
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) hashes.set(String(item.sk), String(item.h));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return hashes;
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * Puts `changed` (id → hash) and deletes `removed` ids, 25 per BatchWriteItem, retrying what DynamoDB
 * leaves unprocessed. `expiresAtMs`: the puts carry the table's TTL (delivered markers of webhook
 * resources, content-hash/delivered-markers.ts); a content-hash list's own hashes never expire.
 */
export async function writeContentHashes(
  table: SyncTable,
  scope: SyncScope,
  changed: Map<string, string>,
  removed: string[] = [],
  options: { expiresAtMs?: number } = {},
): Promise<number> {
  const pk = hashPartition(scope);
  const expiry = options.expiresAtMs === undefined ? {} : { [TTL_ATTRIBUTE]: ttlSeconds(options.expiresAtMs) };
  const requests: WriteRequest[] = [
    ...[...changed].map(([id, h]) => ({ PutRequest: { Item: { pk, sk: id, h, ...expiry } } })),
    ...removed.map((id) => ({ DeleteRequest: { Key: { pk, sk: id } } })),
  ];
  let calls = 0;
  for (let at = 0; at < requests.length; at += BATCH_WRITE_ITEMS) {
    let pending = requests.slice(at, at + BATCH_WRITE_ITEMS);
    for (let round = 0; pending.length > 0; round++) {
      if (round === UNPROCESSED_ROUNDS) {
        // Transient (classify.ts: AWS trouble): the job comes back; what was delivered is delivered again at most.
        throw new Error(`state table: ${pending.length} content hashes still unprocessed after ${round} BatchWriteItem rounds`);
      }
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      calls += 1;
      const answer = await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }));
      pending = (answer.UnprocessedItems?.[table.tableName] ?? []) as WriteRequest[];
    }
  }
  return calls;
}
