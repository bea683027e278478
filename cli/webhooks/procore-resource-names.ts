// How Procore's webhooks name the connector's resources (`resource_name` of triggers and events) and
// which event types Procore offers for each. Sources: procore/documentation plan_your_app/webhooks.md
// (payload example "RFIs") and webhooks_api.md (trigger example "Company Users"); the other names and
// the events offered as GET /rest/v1.0/webhooks/resources answered in a sandbox (Feb 2026, recorded in
// github.com/mechamoby/Procore-Instrumentality-Project memory/eva/procore-api/WEBHOOK-RESOURCES-CONFIRMED.md):
// Projects, Company Users and Company Vendors offer create and update only.
// The simulator keeps its own copy (simulator/webhooks/resource-names.ts) on purpose: it plays Procore,
// so a wrong name here fails against it instead of being agreed with.
// The financial resources (issue 17) have no entry yet: their webhook resource names are not
// confirmed, so a webhooks block naming one reports it as not offered.
import type { ResourceName } from '../../functions/commons/resources/names';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../lib/config/webhooks-config';

export const PROCORE_WEBHOOK_RESOURCES: Partial<Record<ResourceName, { name: string; events: readonly WebhookEventType[] }>> = {
  projects: { name: 'Projects', events: ['create', 'update'] },
  rfis: { name: 'RFIs', events: WEBHOOK_EVENT_TYPES },
  submittals: { name: 'Submittals', events: WEBHOOK_EVENT_TYPES },
  observations: { name: 'Observation Items', events: WEBHOOK_EVENT_TYPES },
  vendors: { name: 'Company Vendors', events: ['create', 'update'] },
  company_users: { name: 'Company Users', events: ['create', 'update'] },
  work_order_contracts: { name: 'Work Order Contracts', events: WEBHOOK_EVENT_TYPES },
};
