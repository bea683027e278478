// The one place the simulator names its resources as Procore's webhooks do (`resource_name` in
// triggers and event payloads) and which event types Procore offers for each: data, in
// procore-webhook-resources.json (keyed by the simulator's resource name).
// Sources: procore/documentation plan_your_app/webhooks.md (payload example "RFIs") and
// plan_your_app/webhooks_api.md (trigger example "Company Users"); the other names and the event
// types per resource as GET /rest/v1.0/webhooks/resources answered in a sandbox (Feb 2026, recorded in
// github.com/mechamoby/Procore-Instrumentality-Project memory/eva/procore-api/WEBHOOK-RESOURCES-CONFIRMED.md):
// Projects, Company Users and Company Vendors offer create and update only (no delete).
// A separate copy of the connector's table (functions/commons/contracts/webhook-event.ts) on purpose:
// the simulator plays Procore and imports no connector code, so a name the connector gets wrong fails
// against it instead of being agreed with. Of the financial resources only change events send webhooks
// here ("Change Events", same source).
import type { SimResourceName } from '../resources';
import PROCORE_WEBHOOK_RESOURCES from './procore-webhook-resources.json';

export const WEBHOOK_RESOURCES: Partial<Record<SimResourceName, { name: string; events: readonly string[] }>> = PROCORE_WEBHOOK_RESOURCES;

/** Whether Procore offers triggers on `resourceName` for `eventType` (what the simulator accepts). */
export function offersTrigger(resourceName: string, eventType: string): boolean {
  return Object.values(WEBHOOK_RESOURCES).some((r) => r !== undefined && r.name === resourceName && r.events.includes(eventType));
}
