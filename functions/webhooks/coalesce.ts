// Events of one scope (company, project, resource) in a batch become one piece of work: the ids to
// read (created or updated) and the ids to remove (deleted), each id once. Procore does not order
// deliveries, so for an id with several events the latest by `timestamp` decides: a delete after
// the last create/update removes the record; a create/update after a delete (a restore) reads it.
import type { WebhookEvent } from '../commons/contracts/webhook-event';
import type { ResourceName } from '../commons/resources/names';
import { scopeId, type SyncScope } from '../pull/sync-scope';

/** An event the consumer will turn into a record, with the queue message it came in. */
export interface ScopedEvent {
  event: WebhookEvent;
  resource: ResourceName;
  messageId: string;
}

export interface ScopeWork {
  scope: SyncScope;
  events: ScopedEvent[];
  /** Ids whose latest event is a create or update: read them (one targeted read for all). */
  readIds: number[];
  /** Ids whose latest event is a delete, with that event's time: removal envelopes, no read. */
  deleted: { id: number; at: string }[];
  /** The earliest change time among readIds' events: where the read's updated_at window starts. */
  earliestChange?: string;
}

function scopeOfEvent(scoped: ScopedEvent): SyncScope {
  return { companyId: scoped.event.company_id, projectId: scoped.event.project_id ?? null, resource: scoped.resource };
}

const key = (scope: SyncScope) => `${scope.companyId}#${scopeId(scope)}`;

/** One ScopeWork per scope among the events. */
export function coalesceByScope(events: ScopedEvent[]): ScopeWork[] {
  const groups = new Map<string, { scope: SyncScope; events: ScopedEvent[] }>();
  for (const scoped of events) {
    const scope = scopeOfEvent(scoped);
    const group = groups.get(key(scope)) ?? { scope, events: [] };
    group.events.push(scoped);
    groups.set(key(scope), group);
  }
  return [...groups.values()].map(({ scope, events: group }) => workOf(scope, group));
}

function workOf(scope: SyncScope, events: ScopedEvent[]): ScopeWork {
  const latest = new Map<number, WebhookEvent>();
  for (const { event } of events) {
    const seen = latest.get(event.resource_id);
    if (!seen || Date.parse(event.timestamp) >= Date.parse(seen.timestamp)) latest.set(event.resource_id, event);
  }
  const reads = [...latest.values()].filter((event) => event.event_type !== 'delete');
  const deletes = [...latest.values()].filter((event) => event.event_type === 'delete');
  const earliest = reads.map((event) => Date.parse(event.timestamp)).sort((a, b) => a - b)[0];
  return {
    scope,
    events,
    readIds: reads.map((event) => event.resource_id).sort((a, b) => a - b),
    deleted: deletes.map((event) => ({ id: event.resource_id, at: event.timestamp })),
    ...(earliest === undefined ? {} : { earliestChange: new Date(earliest).toISOString() }),
  };
}
