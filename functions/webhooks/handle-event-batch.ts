// The events consumer's core: one SQS batch of webhook events in, records on the records queue, and
// the batch item failures out. Per message: parse (a body that is not a v2 event is dead-lettered:
// the receiver checked it, so it was changed since), skip what the connector does not turn into
// records (a resource it does not serve, the connector's own writes by source_application_id),
// claim its ulid (a duplicate is skipped: state/event-claims.ts). Then the claimed events are
// coalesced per scope (coalesce.ts) and each scope delivered once (deliver-scope.ts), its records'
// delivered markers kept for the reconciliation pull (pull/content-hash/delivered-markers.ts). A scope that
// fails decides each of its messages by the one failure policy (commons/failure, path 'webhook').
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { classify, type Failure } from '../commons/failure/classify';
import { previousAttemptDied, queueDecision } from '../commons/failure/decisions';
import { PermanentError } from '../commons/failure/permanent-error';
import { connectorResourceOf, WebhookEventSchema, webhookEventProblems, type WebhookEvent } from '../commons/contracts/webhook-event';
import type { LoggerLike } from '../commons/observability/logger';
import { deadLetterFor, deadLetterMessage } from '../commons/queues/dead-letter';
import { receiveCountOf, type QueueEdge } from '../commons/queues/sqs-adapter';
import type { ResourceName } from '../commons/resources/names';
import { DELIVERED_MARKER_TTL_MS } from '../pull/content-hash/delivered-markers';
import { writeContentHashes } from '../pull/state/content-hashes';
import type { SyncTable } from '../pull/state/cursor';
import { describeScope } from '../pull/sync-scope';
import { coalesceByScope, type ScopedEvent, type ScopeWork } from './coalesce';
import { deliverScope, type DeliverScopeDeps } from './deliver-scope';
import type { EventClaims } from './state/event-claims';

export interface HandleEventBatchDeps extends Omit<DeliverScopeDeps, 'deadline'> {
  claims: EventClaims;
  /** The state table: delivered markers (content-hash/delivered-markers.ts) go to each scope's hash partition. */
  table: SyncTable;
  queueEdge: Pick<QueueEdge, 'delay' | 'send'>;
  deadLetterQueueUrl: string;
  /** Resources whose events become records (the stage's webhooks.resources). */
  webhookResources: ReadonlySet<ResourceName>;
  /**
   * The connector's own app as events name it (metadata.source_application_id: the app's client id,
   * per Procore's webhooks docs): events of its own writes are skipped.
   */
  ownApplicationId: () => Promise<string | undefined>;
  /** Attempts the connector makes at an event (the queue's redrive allows one receive more). */
  maxAttempts?: number;
  logger: LoggerLike;
  count(metric: string, value?: number): void;
  remainingMs: () => number;
}

/** Time kept back from the Lambda deadline after the last Procore call. */
const FINISH_RESERVE_MS = 10_000;

export async function handleEventBatch(records: SQSRecord[], deps: HandleEventBatchDeps): Promise<SQSBatchResponse> {
  const failed: string[] = [];
  const scoped: ScopedEvent[] = [];
  const ownApplicationId = await deps.ownApplicationId();
  for (const record of records) {
    const event = await acceptedEvent(record, ownApplicationId, deps);
    if (event) scoped.push({ ...event, messageId: record.messageId });
  }
  const claimed = await claimAll(scoped, deps, failed);
  const byId = new Map(records.map((record) => [record.messageId, record]));
  for (const work of coalesceByScope(claimed)) {
    const outcome = await deliverWork(work, deps);
    if (outcome !== true) failed.push(...(await decideFailure(work, outcome, byId, deps)));
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** The event and its resource, or undefined when the message is skipped or dead-lettered. */
async function acceptedEvent(
  record: SQSRecord,
  ownApplicationId: string | undefined,
  deps: HandleEventBatchDeps,
): Promise<{ event: WebhookEvent; resource: ResourceName } | undefined> {
  const died = previousAttemptDied({ attempts: receiveCountOf(record), maxAttempts: deps.maxAttempts });
  if (died) {
    await deadLetter(record, died, deps);
    return undefined;
  }
  const event = parseEvent(record.body);
  if (!(event && 'ulid' in event)) {
    await deadLetter(record, classify(new PermanentError('SchemaInvalid', `not a webhook event: ${event?.problems ?? 'body is not JSON'}`)), deps);
    return undefined;
  }
  const resource = connectorResourceOf(event.resource_name);
  if (resource === undefined || !deps.webhookResources.has(resource)) {
    deps.count('WebhookEventsIgnored');
    deps.logger.info('Webhook event for a resource the connector does not take by webhook; skipped', { ulid: event.ulid, resourceName: event.resource_name });
    return undefined;
  }
  if (ownApplicationId !== undefined && event.metadata?.source_application_id === ownApplicationId) {
    deps.count('WebhookEventsOwnWrites');
    return undefined;
  }
  const scope = deps.resources(resource).scope;
  if (scope === 'project' && (event.project_id ?? null) === null) {
    await deadLetter(record, classify(new PermanentError('SchemaInvalid', `${resource} is project-scoped, but the event has no project_id`)), deps);
    return undefined;
  }
  // A company resource's scope has no project, whatever project a project-level hook names: its
  // records travel with projectId null, as the pull delivers them.
  return { event: scope === 'company' ? { ...event, project_id: null } : event, resource };
}

function parseEvent(body: string): WebhookEvent | { problems: string } | undefined {
  try {
    const result = WebhookEventSchema.safeParse(JSON.parse(body));
    return result.success ? result.data : { problems: webhookEventProblems(result.error) };
  } catch {
    return undefined;
  }
}

/** Claims each event's ulid; duplicates are dropped, a claim that cannot be written fails its message. */
async function claimAll(scoped: ScopedEvent[], deps: HandleEventBatchDeps, failed: string[]): Promise<ScopedEvent[]> {
  const outcomes = await Promise.all(
    scoped.map(async (item) => {
      try {
        return (await deps.claims.claim(item.event.ulid)) ? item : 'duplicate';
      } catch (error) {
        deps.logger.warn('Could not claim a webhook event; it comes back', { ulid: item.event.ulid, error: String(error) });
        failed.push(item.messageId);
        return undefined;
      }
    }),
  );
  const duplicates = outcomes.filter((o) => o === 'duplicate').length;
  if (duplicates > 0) deps.count('WebhookEventsDuplicate', duplicates);
  return outcomes.filter((o): o is ScopedEvent => typeof o === 'object');
}

/** True when the scope's records went out (its claims marked done); otherwise the error. */
async function deliverWork(work: ScopeWork, deps: HandleEventBatchDeps): Promise<true | { error: unknown }> {
  try {
    const deadline = deps.now() + deps.remainingMs() - FINISH_RESERVE_MS;
    const result = await deliverScope(work, { ...deps, deadline });
    await Promise.all([...work.events.map(({ event }) => deps.claims.done(event.ulid)), markDelivered(work, result.markers, deps)]);
    deps.count('WebhookRecordsDelivered', result.records);
    deps.count('WebhookRemovalsDelivered', result.removals);
    deps.count('WebhookProcoreRequests', result.requests);
    if (result.notFound.length > 0) {
      deps.count('WebhookRecordsNotFound', result.notFound.length);
      deps.logger.info('Changed records not in the list any more; the reconciliation pull settles them', {
        scope: describeScope(work.scope),
        ids: result.notFound.slice(0, 20),
      });
    }
    return true;
  } catch (error) {
    return { error };
  }
}

/**
 * Keeps the delivered records' markers (25 per BatchWriteItem), so the reconciliation pull leaves
 * them out. The records are out already: a marker that cannot be written costs a second delivery by
 * that pull, never a retry of the events.
 */
async function markDelivered(work: ScopeWork, markers: Map<string, string>, deps: HandleEventBatchDeps): Promise<void> {
  if (markers.size === 0) return;
  // A content-hash list's hashes are its listing's state (kept until the record leaves the list); a marker expires.
  const expiry = deps.resources(work.scope.resource).contentHash ? {} : { expiresAtMs: deps.now() + DELIVERED_MARKER_TTL_MS };
  try {
    await writeContentHashes(deps.table, work.scope, markers, [], expiry);
  } catch (error) {
    deps.count('WebhookMarkersNotWritten', markers.size);
    deps.logger.warn('Delivered markers could not be written; the reconciliation pull delivers these records again', {
      scope: describeScope(work.scope),
      records: markers.size,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}

/** The failed scope's messages: each released, then dead-lettered, delayed or returned by the policy. */
async function decideFailure(work: ScopeWork, outcome: { error: unknown }, byId: Map<string, SQSRecord>, deps: HandleEventBatchDeps): Promise<string[]> {
  const failure = classify(outcome.error);
  deps.logger.error('Webhook events of a scope could not be delivered', {
    scope: describeScope(work.scope),
    kind: failure.kind,
    errorClass: failure.errorClass,
    reason: failure.reason,
  });
  const retried: string[] = [];
  for (const { event, messageId } of work.events) {
    await deps.claims.release(event.ulid).catch(() => undefined);
    const record = byId.get(messageId)!;
    const decision = queueDecision('webhook', failure, { attempts: receiveCountOf(record), maxAttempts: deps.maxAttempts });
    if (decision.action === 'dead-letter') {
      await deadLetter(record, failure, deps);
      continue;
    }
    if (decision.action === 'delay') await deps.queueEdge.delay(record, decision.until);
    retried.push(messageId);
  }
  return retried;
}

async function deadLetter(record: SQSRecord, failure: Failure, deps: HandleEventBatchDeps): Promise<void> {
  const letter = deadLetterFor(record, failure);
  deps.logger.error('Webhook event failed for good; dead-lettering it', { messageId: record.messageId, ...letter.reason });
  deps.count('WebhookEventsDeadLettered');
  await deps.queueEdge.send(deps.deadLetterQueueUrl, deadLetterMessage(letter));
}
