// The one place the simulator names its resources as Procore's webhooks do (`resource_name` in
// triggers and event payloads) and which event types Procore offers for each.
// Sources: procore/documentation plan_your_app/webhooks.md (payload example "RFIs") and
// plan_your_app/webhooks_api.md (trigger example "Company Users"); the other names and the event
// types per resource as GET /rest/v1.0/webhooks/resources answered in a sandbox (Feb 2026, recorded in
// github.com/mechamoby/Procore-Instrumentality-Project memory/eva/procore-api/WEBHOOK-RESOURCES-CONFIRMED.md):
// Projects, Company Users and Company Vendors offer create and update only (no delete).
// Not shared with the connector's (functions/commons/contracts/webhook-event.ts): the simulator plays Procore.
import type { SimResourceName } from '../resources';

export type WebhookEventType = 'create' | 'update' | 'delete';
const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = ['create', 'update', 'delete'];

/** Of the financial resources (simulator/financial-resources.ts) only change events send webhooks here ("Change Events", same source). */
export const WEBHOOK_RESOURCES: Partial<Record<SimResourceName, { name: string; events: readonly WebhookEventType[] }>> = {
  projects: { name: 'Projects', events: ['create', 'update'] },
  rfis: { name: 'RFIs', events: WEBHOOK_EVENT_TYPES },
  submittals: { name: 'Submittals', events: WEBHOOK_EVENT_TYPES },
  observations: { name: 'Observation Items', events: WEBHOOK_EVENT_TYPES },
  vendors: { name: 'Company Vendors', events: ['create', 'update'] },
  company_users: { name: 'Company Users', events: ['create', 'update'] },
  work_order_contracts: { name: 'Work Order Contracts', events: WEBHOOK_EVENT_TYPES },
  change_events: { name: 'Change Events', events: WEBHOOK_EVENT_TYPES },
};

/** Whether Procore offers triggers on `resourceName` for `eventType` (what the simulator accepts). */
export function offersTrigger(resourceName: string, eventType: string): boolean {
  return Object.values(WEBHOOK_RESOURCES).some((r) => r !== undefined && r.name === resourceName && (r.events as readonly string[]).includes(eventType));
}
