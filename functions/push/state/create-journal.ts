// The create journal: for each push message whose create Procore cannot recognise when repeated (a
// plain POST, no origin_id to find it by), what became of that create, in the state table.
//   sending  written just before the POST: a later attempt that finds it (and no answer) knows an
//            earlier one may have made the record, and does not make a second one;
//   created  written the moment Procore answers with the new id, before anything else can fail:
//            a later attempt (after a failed origin-map or idempotency write, a lost result, a
//            timeout or a crash) reuses that answer and only finishes the reporting.
// Powertools idempotency cannot carry this: it deletes its in-progress record when the wrapped
// work throws, so after a failure that came after Procore's answer it would let the create run again.
// One item per message id (pk `push-create#<id>`), kept as long as the idempotency records.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PUSH_IDEMPOTENCY_TTL_SECONDS } from './idempotency';

export type CreateJournalEntry =
  | { state: 'sending'; fingerprint: string; sentAt: string }
  | { state: 'created'; fingerprint: string; sentAt: string; procoreId: number; createdAt: string };

export function createJournalKey(messageId: string): { pk: string; sk: string } {
  return { pk: `push-create#${messageId}`, sk: 'create' };
}

export class CreateJournal {
  private readonly clock: () => number;

  constructor(private readonly deps: { ddb: DynamoDBDocumentClient; tableName: string; clock?: () => number }) {
    this.clock = deps.clock ?? Date.now;
  }

  async get(messageId: string): Promise<CreateJournalEntry | undefined> {
    const { Item } = await this.deps.ddb.send(new GetCommand({ TableName: this.deps.tableName, Key: createJournalKey(messageId), ConsistentRead: true }));
    if (!Item) return undefined;
    const base = { fingerprint: String(Item.fingerprint ?? ''), sentAt: String(Item.sentAt ?? '') };
    return Item.state === 'created'
      ? { ...base, state: 'created', procoreId: Number(Item.procoreId), createdAt: String(Item.createdAt ?? '') }
      : { ...base, state: 'sending' };
  }

  /** Notes a create about to be sent; false when the message already has an entry (read it instead). */
  async begin(messageId: string, fingerprint: string): Promise<boolean> {
    try {
      await this.deps.ddb.send(
        new PutCommand({
          TableName: this.deps.tableName,
          Item: { ...createJournalKey(messageId), state: 'sending', fingerprint, sentAt: this.now(), expiration: this.expiration() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Procore's answer: the record it made. */
  async created(messageId: string, entry: { fingerprint: string; sentAt: string; procoreId: number }): Promise<void> {
    await this.deps.ddb.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: { ...createJournalKey(messageId), state: 'created', ...entry, createdAt: this.now(), expiration: this.expiration() },
      }),
    );
  }

  /** Procore said no (an answer that made nothing): the next attempt may send the create again. */
  async clear(messageId: string): Promise<void> {
    await this.deps.ddb.send(
      new DeleteCommand({
        TableName: this.deps.tableName,
        Key: createJournalKey(messageId),
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending' },
      }),
    );
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  private expiration(): number {
    return Math.floor(this.clock() / 1000) + PUSH_IDEMPOTENCY_TTL_SECONDS;
  }
}
