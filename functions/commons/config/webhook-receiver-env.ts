// The webhook receiver's environment (part of the contract of runtime-env.ts), in a module of its
// own: the receiver loads it without the resource registry the other schemas use.
import * as z from '../validation/zod';

/** The webhook receiver: no Procore call, no state; the header secret and the events queue only. */
export const WebhookReceiverEnvSchema = z.object({
  CONNECTOR_STAGE: z.string().check(z.minLength(1)),
  WEBHOOK_SECRET_ID: z.string().check(z.minLength(1)),
  WEBHOOK_EVENTS_QUEUE_URL: z.url(),
});
