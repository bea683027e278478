// A Procore webhook delivery, payload version 2 (../shared/PROCORE.md "Webhooks"; Procore's
// "Introduction to Webhooks", https://developers.procore.com/documentation/webhooks): it names what
// changed, not its content. The receiver validates every delivery against this schema before the
// event goes on the events queue; the events consumer parses the queued body with it again.
// Unknown fields are kept (Procore may add some); the ones the connector reads must be right.
import * as z from '../validation/zod';
import { ProcoreIdSchema } from './procore-id';
import type { ResourceName } from '../resources/names';

export const WEBHOOK_EVENT_TYPES = ['create', 'update', 'delete'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The header Procore sends on every delivery (the hook's destination_headers, set by `webhooks
 * apply`), whose value is the SecretString of the stage's `webhooks.headerSecret`, verbatim. Header
 * names are case-insensitive (Lambda function URLs hand them to the function in lower case), so
 * readers compare lower-cased. One constant for both sides: `webhooks apply` configures this name
 * and the receiver reads it.
 */
export const WEBHOOK_AUTH_HEADER = 'Authorization';

/** A delivery larger than this is refused (413) before it is parsed: a v2 payload is well under 2 KB. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;

const Timestamp = z.iso.datetime({ offset: true });

export const WebhookEventSchema = z.looseObject({
  id: z.union([z.number().check(z.int()), z.string().check(z.minLength(1))]),
  /** Unique per event: the key duplicates are recognised by. */
  ulid: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, 'must be a 26-character ULID')),
  company_id: ProcoreIdSchema,
  /** null for company-level resources. */
  project_id: z.optional(z.nullable(ProcoreIdSchema)),
  event_type: z.enum(WEBHOOK_EVENT_TYPES),
  resource_name: z.string().check(z.minLength(1), z.maxLength(200)),
  resource_id: ProcoreIdSchema,
  timestamp: Timestamp,
  metadata: z.optional(
    z.looseObject({
      /** The app that made the change: the connector's own writes are skipped by it. */
      source_application_id: z.optional(z.nullable(z.string())),
    }),
  ),
});

export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

// How Procore's webhooks name the connector's resources (`resource_name` of triggers and events) and
// which event types Procore offers for each. Sources: procore/documentation plan_your_app/webhooks.md
// (payload example "RFIs") and webhooks_api.md (trigger example "Company Users"); the other names and
// the events offered as GET /rest/v1.0/webhooks/resources answered in a sandbox (Feb 2026, recorded in
// github.com/mechamoby/Procore-Instrumentality-Project memory/eva/procore-api/WEBHOOK-RESOURCES-CONFIRMED.md):
// Projects, Company Users and Company Vendors offer create and update only.
// The simulator keeps its own copy (simulator/webhooks/procore-webhook-resources.json) on purpose: it plays Procore,
// so a wrong name here fails against it instead of being agreed with.
// Of the financial resources (issue 17) only change events have an entry: "Change Events", a
// project resource offering create, update and delete in the same sandbox answer (its list declares
// filters[updated_at], so an event's targeted read rides on the updated_at window). The other
// financial ones are not wired for webhooks yet, so a webhooks block naming one reports it as not offered.
export const PROCORE_WEBHOOK_RESOURCES: Partial<Record<ResourceName, { name: string; events: readonly WebhookEventType[] }>> = {
  projects: { name: 'Projects', events: ['create', 'update'] },
  rfis: { name: 'RFIs', events: WEBHOOK_EVENT_TYPES },
  submittals: { name: 'Submittals', events: WEBHOOK_EVENT_TYPES },
  observations: { name: 'Observation Items', events: WEBHOOK_EVENT_TYPES },
  vendors: { name: 'Company Vendors', events: ['create', 'update'] },
  company_users: { name: 'Company Users', events: ['create', 'update'] },
  work_order_contracts: { name: 'Work Order Contracts', events: WEBHOOK_EVENT_TYPES },
  change_events: { name: 'Change Events', events: WEBHOOK_EVENT_TYPES },
};

const BY_PROCORE_NAME = new Map<string, ResourceName>(
  Object.entries(PROCORE_WEBHOOK_RESOURCES).flatMap(([resource, procore]) => (procore ? [[procore.name.toLowerCase(), resource] as const] : [])),
);

/**
 * The connector resource a webhook's resource_name stands for ("RFIs" -> rfis, "Company Vendors" ->
 * vendors; case aside), or undefined for one the connector does not take by webhook.
 */
export function connectorResourceOf(resourceName: string): ResourceName | undefined {
  return BY_PROCORE_NAME.get(resourceName.toLowerCase());
}

/** Why a body is not a webhook event, naming each field and problem (never a value). */
export function webhookEventProblems(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
