// The push path's origin map in the state table: upstream key (company, resource, originId) ->
// Procore id. It lets update/upsert/delete address records by the upstream system's own key, also
// for resources where Procore has no origin_id field.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '../../commons/failure/permanent-error';
import type { ResourceName } from '../../commons/resources/names';

export interface OriginKey {
  companyId: number;
  resource: ResourceName;
  originId: string;
}

export interface OriginEntry {
  procoreId: number;
  projectId: number | null;
  /** The push message that last wrote the mapping (for operators tracing a record). */
  messageId: string;
  updatedAt: string;
}

/** One item per upstream key, so lookups spread over partitions: pk `push-origin#<company>#<resource>#<originId>`. */
export function originMapKey(key: OriginKey): { pk: string; sk: string } {
  return { pk: `push-origin#${key.companyId}#${key.resource}#${key.originId}`, sk: 'origin' };
}

export class PushOriginMap {
  private readonly ddb: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: () => number;

  constructor(deps: { ddb: DynamoDBDocumentClient; tableName: string; clock?: () => number }) {
    this.ddb = deps.ddb;
    this.tableName = deps.tableName;
    this.clock = deps.clock ?? Date.now;
  }

  async get(key: OriginKey): Promise<OriginEntry | undefined> {
    const { Item } = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: originMapKey(key), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      procoreId: Number(Item.procoreId),
      projectId: Item.projectId === undefined || Item.projectId === null ? null : Number(Item.projectId),
      messageId: String(Item.messageId ?? ''),
      updatedAt: String(Item.updatedAt ?? ''),
    };
  }

  /**
   * Maps an upstream key to a record: a new key, or the record it already maps to (refreshing who
   * wrote it last). A key mapped to another record is never re-pointed: that is an AddressConflict.
   */
  async put(key: OriginKey, entry: Omit<OriginEntry, 'updatedAt'>): Promise<void> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...originMapKey(key), ...entry, updatedAt: new Date(this.clock()).toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR procoreId = :procoreId',
          ExpressionAttributeValues: { ':procoreId': entry.procoreId },
        }),
      );
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ConditionalCheckFailedException') throw error;
      const current = await this.get(key);
      throw new PermanentError(
        'AddressConflict',
        `originId ${JSON.stringify(key.originId)} maps to ${key.resource} record ${current?.procoreId ?? '(another)'}, not ${entry.procoreId}; the origin map was left as it was`,
      );
    }
  }

  async delete(key: OriginKey): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: originMapKey(key) }));
  }
}
