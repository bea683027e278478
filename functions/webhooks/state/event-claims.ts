// Deduplication of webhook events on their ulid (Procore delivers some events more than once). An
// event is claimed before its record is delivered and marked done after, with a conditional put on
// `webhook-event#<ulid>` in the state table:
// - a claim succeeds when no item exists, or when a claim was left in progress and its lease ran
//   out (the invocation holding it died: its message comes back and must be processed);
// - a done event, or one another invocation is working on, is a duplicate and is skipped: the copy
//   being worked on still has its own queue message, which comes back if that work fails;
// - a claim is released (deleted) when its delivery fails, so the message's retry is not skipped.
// Items expire (TTL) after Procore's retry span of 12 hours, with a margin.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SyncTable } from '../../pull/state/cursor';
import { isConditionalCheckFailed, TTL_ATTRIBUTE, ttlSeconds } from '../../pull/state/state-keys';

/** Partition-key prefix of dedupe items (the events consumer's grant names it). */
export const WEBHOOK_EVENT_KEY_PREFIX = 'webhook-event#';
/** Procore retries a delivery for up to 12 h; a ulid is remembered for twice that. */
const WEBHOOK_DEDUPE_TTL_MS = 24 * 3600_000;

export function webhookEventKey(ulid: string): { pk: string; sk: string } {
  return { pk: `${WEBHOOK_EVENT_KEY_PREFIX}${ulid.toUpperCase()}`, sk: 'event' };
}

export interface EventClaims {
  /** True when this invocation may deliver the event; false for a duplicate. */
  claim(ulid: string): Promise<boolean>;
  done(ulid: string): Promise<void>;
  release(ulid: string): Promise<void>;
}

export function tableEventClaims(table: SyncTable, options: { now: () => number; leaseMs: number }): EventClaims {
  const put = (ulid: string, status: 'in-progress' | 'done', condition?: string) => {
    const now = options.now();
    return table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...webhookEventKey(ulid),
          status,
          leaseUntilMs: now + options.leaseMs,
          updatedAt: new Date(now).toISOString(),
          [TTL_ATTRIBUTE]: ttlSeconds(now + WEBHOOK_DEDUPE_TTL_MS),
        },
        ...(condition ? { ConditionExpression: condition, ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': now } } : {}),
        ...(condition ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      }),
    );
  };
  return {
    async claim(ulid) {
      try {
        await put(ulid, 'in-progress', 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntilMs < :now)');
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async done(ulid) {
      await put(ulid, 'done');
    },
    async release(ulid) {
      await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: webhookEventKey(ulid) }));
    },
  };
}
