// What each function does in the one state table, and where. The key design keeps each kind of
// item under its own partition-key prefix (functions/pull/state/state-keys.ts,
// functions/push/state/idempotency.ts and origin-map.ts), so a grant can name the prefixes
// (dynamodb:LeadingKeys) as well as the actions.
//
// The actions are those the handler's code uses: test/infra/rule-book.test.ts bundles each handler
// and fails when code and grant differ, naming the action. A new DynamoDB call goes here too.
import { PUSH_IDEMPOTENCY_KEY_PREFIX } from '../../functions/push/state/idempotency';
import { WEBHOOK_EVENT_KEY_PREFIX } from '../../functions/webhooks/state/event-claims';
import type { TableAccess } from './bind';

/** Partition-key prefixes of the state table's item kinds. */
export const STATE_KEY_PREFIXES = {
  /** Pull state per company: cursor, lease, checkpoint, failure (`sync#company#<id>`). */
  sync: 'sync#company#',
  /** Push idempotency records: Powertools writes `<keyPrefix>#<hash>`. */
  pushIdempotency: `${PUSH_IDEMPOTENCY_KEY_PREFIX}#`,
  /** Push origin map: `push-origin#<company>#<resource>#<originId>`. */
  pushOrigin: 'push-origin#',
  /** Webhook event dedupe: `webhook-event#<ulid>` (functions/webhooks/state/event-claims.ts). */
  webhookEvent: WEBHOOK_EVENT_KEY_PREFIX,
  /**
   * The per-scope hash partitions alone (`sync#company#<id>#hashes#<scope>`,
   * functions/pull/state/content-hashes.ts), not the company partition beside them: a StringLike
   * pattern, `*` anywhere (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
   */
  scopeHashes: 'sync#company#*#hashes#',
} as const;

export const STATE_ACCESS = {
  /** Takes a scope's lease (conditional put) and gives it back when the job cannot be enqueued; reads
   * each company's scope timings (back-off, last pull: Query) and the last discovery (GetItem). */
  planner: { actions: ['GetItem', 'Query', 'PutItem', 'DeleteItem'], keyPrefixes: [STATE_KEY_PREFIXES.sync] },
  /** Reads and writes cursor, checkpoint, failure; renews and releases the lease. Checkpoint and cursor
   * writes are transactions with a condition check on the lease (fencing); IAM authorises each item's
   * own action, so the check needs ConditionCheckItem. Query: the ids already delivered as inactive
   * (vendors, company users; functions/pull/state/inactive-set.ts), and a content-hash list's hashes.
   * BatchWriteItem: only the changed hashes of a content-hash list (functions/pull/state/content-hashes.ts). */
  worker: {
    actions: ['ConditionCheckItem', 'GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
    keyPrefixes: [STATE_KEY_PREFIXES.sync],
  },
  /** Powertools idempotency (get, conditional put, update, delete) and the origin map (get, put, delete). */
  push: {
    actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    keyPrefixes: [STATE_KEY_PREFIXES.pushIdempotency, STATE_KEY_PREFIXES.pushOrigin],
  },
  /** Claims an event's ulid (conditional put), marks it done (put), releases it when delivery fails (delete). */
  webhookEvents: { actions: ['PutItem', 'DeleteItem'], keyPrefixes: [STATE_KEY_PREFIXES.webhookEvent] },
  /** The events consumer's second grant: the delivered markers of the records it sent, in batches
   * (functions/pull/content-hash/delivered-markers.ts); no read, and nothing of the scope's cursor or lease. */
  webhookMarkers: { actions: ['BatchWriteItem'], keyPrefixes: [STATE_KEY_PREFIXES.scopeHashes] },
} as const satisfies Record<string, TableAccess>;
