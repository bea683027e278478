// The stage's `webhooks` block (cdk.json context stages.<stage>.webhooks): which resources Procore
// reports by webhook, for which events, where it delivers them and with which secret header, and how
// often the scheduled pull of those resources still runs to reconcile. The operator CLI
// (`connector webhooks plan|apply|status`) makes Procore's hooks match it; the stack builds the receiver.
// Procore's trigger event types (procore/documentation plan_your_app/webhooks_api.md, "Add Triggers")
// are the events' own contract's.
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../functions/commons/contracts/webhook-event';
import { RESOURCE_NAMES } from '../../functions/commons/resources/names';
import { ScheduleExpressionSchema } from './schedule-expression';

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Procore delivers to a public HTTPS endpoint (plan_your_app/webhooks.md, "Set Up Your Endpoint"); plain http only on loopback (the local simulator). */
const DestinationUrlSchema = z.url().refine((url) => url.startsWith('https://') || LOOPBACK.test(url), {
  message: 'must be an https URL (Procore delivers over HTTPS); http is accepted for 127.0.0.1/localhost only',
});

/** A Secrets Manager secret name or ARN, as the stage's other secrets are named. */
const SecretNameSchema = z.string().regex(/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[\w/+=.@-]{1,512}$/, {
  message: 'must be a Secrets Manager secret name or ARN',
});

export const WebhooksConfigSchema = z
  .object({
    /** false removes the connector's hooks from Procore (on `webhooks apply`) and leaves polling as it was. */
    enabled: z.boolean(),
    /** Connector resource names (the built-in ones: a resource declared in the stage config has no known Procore webhook resource), each also in sync.resources. */
    resources: z
      .array(
        z.enum(RESOURCE_NAMES, {
          error: (issue) => `unknown resource ${JSON.stringify(issue.input)} for webhooks; known: ${RESOURCE_NAMES.join(', ')}`,
        }),
      )
      .min(1),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .default([...WEBHOOK_EVENT_TYPES]),
    /** Where Procore delivers; absent: the deployed stack's receiver URL (its output). */
    destinationUrl: DestinationUrlSchema.optional(),
    /** Secrets Manager secret whose string Procore sends as the Authorization header of every delivery. */
    headerSecret: SecretNameSchema,
    /** How often the scheduled pull of webhook resources still runs, to catch events Procore dropped. */
    reconcileSchedule: ScheduleExpressionSchema.default('rate(1 day)'),
  })
  .strict();

export type WebhooksConfig = z.infer<typeof WebhooksConfigSchema>;

/** Webhook resources must be pulled too: the reconciliation pull is what catches dropped events. */
export function webhookResourcesNotSynced(webhooks: WebhooksConfig | undefined, syncResources: readonly string[]): string[] {
  return (webhooks?.resources ?? []).filter((name) => !syncResources.includes(name));
}
