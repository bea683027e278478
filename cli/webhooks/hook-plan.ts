// The pure core of `connector webhooks plan|apply`: what the stage config asks for in one company
// (desired) against the hooks and triggers Procore holds there in the connector's namespace
// (actual) → the changes that make Procore match. No I/O: apply runs the actions, plan prints them.
import type { WebhooksConfig } from '../../lib/config/webhooks-config';
import { PROCORE_WEBHOOK_RESOURCES } from '../../functions/commons/contracts/webhook-event';

export interface TriggerSpec {
  resourceName: string;
  eventType: string;
}

export interface DesiredHook {
  destinationUrl: string;
  /** The Authorization header value Procore sends with every delivery (the header secret). */
  authorization: string;
  triggers: TriggerSpec[];
}

export interface ActualHook {
  id: number;
  destinationUrl: string;
  apiVersion: string;
  /** undefined when Procore's answer does not show the header: it cannot be compared. */
  authorization: string | undefined;
  triggers: (TriggerSpec & { id: number })[];
}

export type HookChange = 'destination_url' | 'authorization' | 'api_version';

export type WebhookAction =
  | { kind: 'create-hook'; destinationUrl: string; triggers: TriggerSpec[] }
  | { kind: 'update-hook'; hookId: number; changes: HookChange[] }
  | { kind: 'create-triggers'; hookId: number; triggers: TriggerSpec[] }
  | { kind: 'delete-triggers'; hookId: number; triggers: (TriggerSpec & { id: number })[] }
  | { kind: 'delete-hook'; hookId: number; reason: string };

/** The payload format the connector's receiver reads (procore/documentation plan_your_app/webhooks.md, v2.0). */
export const HOOK_API_VERSION = 'v2';

/** Triggers the config asks for, and the (resource, event) pairs Procore does not offer (skipped). */
export function desiredTriggers(config: { resources: readonly string[]; events: WebhooksConfig['events'] }): { triggers: TriggerSpec[]; notOffered: string[] } {
  const triggers: TriggerSpec[] = [];
  const notOffered: string[] = [];
  for (const resource of config.resources) {
    const procore = PROCORE_WEBHOOK_RESOURCES[resource];
    if (!procore) {
      notOffered.push(`${resource} (no Procore webhook resource name is known for it)`);
      continue;
    }
    for (const eventType of config.events) {
      if (procore.events.includes(eventType)) triggers.push({ resourceName: procore.name, eventType });
      else notOffered.push(`${resource} ${eventType} (Procore offers ${procore.events.join(', ')} on "${procore.name}")`);
    }
  }
  return { triggers, notOffered };
}

/** Procore's docs write the version both ways ("v2" in request examples, "v2.0" in payloads). */
const isPayloadV2 = (apiVersion: string) => apiVersion === HOOK_API_VERSION || apiVersion === `${HOOK_API_VERSION}.0`;

const key = (t: TriggerSpec) => `${t.resourceName}\u0000${t.eventType}`;

/**
 * Actions for one company. `desired` undefined (webhooks disabled): every hook of the namespace goes.
 * More than one hook in the namespace: the one already pointing at the destination (else the oldest)
 * is kept, the others deleted, so Procore never delivers an event twice through two hooks.
 * `forceHeader` sends the header even when Procore's answer does not show it (after a rotation).
 */
export function planCompanyHooks(desired: DesiredHook | undefined, actual: ActualHook[], options: { forceHeader?: boolean } = {}): WebhookAction[] {
  if (!desired) return actual.map((hook) => ({ kind: 'delete-hook', hookId: hook.id, reason: 'webhooks are disabled for this stage' }));
  if (actual.length === 0) return [{ kind: 'create-hook', destinationUrl: desired.destinationUrl, triggers: desired.triggers }];
  const byId = [...actual].sort((a, b) => a.id - b.id);
  const keep = byId.find((h) => h.destinationUrl === desired.destinationUrl) ?? byId[0]!;
  const actions: WebhookAction[] = byId
    .filter((h) => h !== keep)
    .map((h) => ({ kind: 'delete-hook', hookId: h.id, reason: `a second hook in the namespace (hook ${keep.id} is kept)` }));

  const changes: HookChange[] = [];
  if (keep.destinationUrl !== desired.destinationUrl) changes.push('destination_url');
  if (!isPayloadV2(keep.apiVersion)) changes.push('api_version');
  if (options.forceHeader || (keep.authorization !== undefined && keep.authorization !== desired.authorization)) changes.push('authorization');
  if (changes.length > 0) actions.push({ kind: 'update-hook', hookId: keep.id, changes });

  const wanted = new Set(desired.triggers.map(key));
  const seen = new Set<string>();
  const extra = keep.triggers.filter((t) => {
    const k = key(t);
    const surplus = !wanted.has(k) || seen.has(k);
    seen.add(k);
    return surplus;
  });
  const missing = desired.triggers.filter((t) => !seen.has(key(t)));
  if (missing.length > 0) actions.push({ kind: 'create-triggers', hookId: keep.id, triggers: missing });
  if (extra.length > 0) actions.push({ kind: 'delete-triggers', hookId: keep.id, triggers: extra });
  return actions;
}

/** One line per action, for plan and apply output (never the header value). */
export function describeAction(action: WebhookAction): string {
  const list = (triggers: TriggerSpec[]) => triggers.map((t) => `${t.resourceName}:${t.eventType}`).join(', ');
  switch (action.kind) {
    case 'create-hook':
      return `+ create hook → ${action.destinationUrl} with ${action.triggers.length} trigger(s): ${list(action.triggers)}`;
    case 'update-hook':
      return `~ update hook ${action.hookId}: ${action.changes.map((c) => (c === 'authorization' ? 'Authorization header (from the header secret)' : c)).join(', ')}`;
    case 'create-triggers':
      return `+ add to hook ${action.hookId}: ${list(action.triggers)}`;
    case 'delete-triggers':
      return `- remove from hook ${action.hookId}: ${list(action.triggers)}`;
    case 'delete-hook':
      return `- delete hook ${action.hookId} (${action.reason})`;
  }
}
