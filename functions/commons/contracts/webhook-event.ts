// A Procore webhook delivery, payload version 2 (../shared/PROCORE.md "Webhooks"; Procore's
// "Introduction to Webhooks", https://developers.procore.com/documentation/webhooks): it names what
// changed, not its content. The receiver validates every delivery against this schema before the
// event goes on the events queue; the events consumer parses the queued body with it again.
// Unknown fields are kept (Procore may add some); the ones the connector reads must be right.
import { z } from 'zod';
import { ProcoreIdSchema } from './procore-id';
import { RESOURCE_NAMES, type ResourceName } from '../resources/names';

export const WEBHOOK_EVENT_TYPES = ['create', 'update', 'delete'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The header Procore sends on every delivery (the hook's destination_headers, set by `webhooks
 * apply`), whose value is the SecretString of the stage's `webhooks.headerSecret`, verbatim. Header
 * names are case-insensitive; Lambda function URLs hand them to the function in lower case.
 */
export const WEBHOOK_AUTH_HEADER = 'authorization';

/** A delivery larger than this is refused (413) before it is parsed: a v2 payload is well under 2 KB. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;

const Timestamp = z.iso.datetime({ offset: true });

export const WebhookEventSchema = z.looseObject({
  id: z.union([z.number().int(), z.string().min(1)]),
  /** Unique per event: the key duplicates are recognised by. */
  ulid: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, 'must be a 26-character ULID'),
  company_id: ProcoreIdSchema,
  /** null for company-level resources. */
  project_id: ProcoreIdSchema.nullable().optional(),
  event_type: z.enum(WEBHOOK_EVENT_TYPES),
  resource_name: z.string().min(1).max(200),
  resource_id: ProcoreIdSchema,
  timestamp: Timestamp,
  metadata: z
    .looseObject({
      /** The app that made the change: the connector's own writes are skipped by it. */
      source_application_id: z.string().nullable().optional(),
    })
    .optional(),
});

export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/**
 * Procore's resource names for the connector's resources where they differ from the connector's own
 * (RFIs, Submittals, Projects, Company Users, Work Order Contracts match it once case, spaces and
 * underscores are set aside), as `webhooks apply` names its triggers (cli/webhooks/procore-resource-names.ts).
 */
const PROCORE_RESOURCE_ALIASES: Partial<Record<ResourceName, readonly string[]>> = {
  observations: ['Observation Items'],
  vendors: ['Company Vendors'],
};

const normalized = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const BY_NORMALIZED_NAME = new Map<string, ResourceName>(
  RESOURCE_NAMES.flatMap((name) => [name, ...(PROCORE_RESOURCE_ALIASES[name] ?? [])].map((alias) => [normalized(alias), name] as const)),
);

/**
 * The connector resource a webhook's resource_name stands for ("RFIs" -> rfis, "Company Vendors" ->
 * vendors), or undefined for a resource the connector does not serve.
 */
export function connectorResourceOf(resourceName: string): ResourceName | undefined {
  return BY_NORMALIZED_NAME.get(normalized(resourceName));
}

/** Why a body is not a webhook event, naming each field and problem (never a value). */
export function webhookEventProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
