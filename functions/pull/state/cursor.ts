// A scope's cursor: the windowEnd of the last pull whose records were all delivered. The next pull
// reads from it (minus the overlap). It only moves forward (a conditional write), so a late, older
// job cannot rewind it; the worker also writes it only while it holds the scope's lease (../lease-fence.ts).
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SyncScope } from '../sync-scope';
import { conditionalWrite, syncStateItem, syncStateKey, type TransactItem } from './state-keys';

export interface SyncTable {
  db: DynamoDBDocumentClient;
  tableName: string;
}

/** The invocation that completed the window (a continued job's earlier invocations are not summed). */
export interface LastPull {
  jobId: string;
  records: number;
  /** Records delivered by claim check (too large for one queue message). */
  claimChecked: number;
  pages: number;
  finishedAt: string;
  /** Procore refused the scope's recycle bin or inactive list (403/404): its removals were not read. */
  removalsUnavailable?: string;
}

export interface SyncCursor {
  /** ISO 8601: everything updated up to here was delivered. */
  cursor: string;
  lastPull?: LastPull;
}

export async function readCursor(table: SyncTable, scope: SyncScope): Promise<SyncCursor | undefined> {
  const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: syncStateKey('cursor', scope), ConsistentRead: true }));
  if (!Item || typeof Item.cursor !== 'string') return undefined;
  return { cursor: Item.cursor, ...(Item.lastPull ? { lastPull: Item.lastPull as LastPull } : {}) };
}

/** Transaction item: the cursor's Put, refused when the cursor is already later. */
export function putCursorItem(table: SyncTable, scope: SyncScope, cursor: string, lastPull: LastPull): TransactItem {
  const cursorMs = Date.parse(cursor);
  return {
    Put: {
      TableName: table.tableName,
      Item: syncStateItem('cursor', scope, { cursor, cursorMs, lastPull }),
      ConditionExpression: 'attribute_not_exists(cursorMs) OR cursorMs <= :cursorMs',
      ExpressionAttributeValues: { ':cursorMs': cursorMs },
    },
  };
}

/** Advances the cursor to `cursor` without a lease fence; returns false (and changes nothing) when it is already later. */
export async function advanceCursor(table: SyncTable, scope: SyncScope, cursor: string, lastPull: LastPull): Promise<boolean> {
  return conditionalWrite(() => table.db.send(new PutCommand(putCursorItem(table, scope, cursor, lastPull).Put!)));
}

/** Full resync of a scope: forget its cursor, so the next pull reads the initial lookback again. */
export async function resetCursor(table: SyncTable, scope: SyncScope): Promise<void> {
  await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: syncStateKey('cursor', scope) }));
}
