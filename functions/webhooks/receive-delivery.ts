// The receiver's core: one HTTP delivery from Procore in, one answer out, fast. Procore wants a 2xx
// within 5 s and retries anything else for up to 12 h, so the receiver does no Procore call and no
// work beyond checking and queueing: authenticate (header secret), size, JSON, schema, then one
// SendMessage to the events queue. Nothing is queued unless all checks pass.
//   401 unauthenticated (missing or wrong header)   413 body over WEBHOOK_MAX_BODY_BYTES
//   400 not JSON or not a v2 webhook event          405 not a POST
//   503 the secret or the queue is unavailable (Procore retries)
//   202 queued
// Logs name what was wrong (paths and problems), never the body, a header or the secret.
import { WEBHOOK_AUTH_HEADER, WEBHOOK_MAX_BODY_BYTES, WebhookEventSchema, webhookEventProblems, type WebhookEvent } from '../commons/contracts/webhook-event';
import type { LoggerLike } from '../commons/observability/logger';

export interface WebhookRequest {
  method: string;
  /** Header names in any case. */
  headers: Record<string, string | undefined>;
  body: string | undefined;
  isBase64Encoded: boolean;
}

export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReceiveDeliveryDeps {
  verifier: { verify(presented: string | undefined): Promise<boolean> };
  /** Puts the validated event on the events queue. */
  enqueue(event: WebhookEvent): Promise<void>;
  logger: LoggerLike;
  count(metric: string): void;
}

/** Metric names the receiver counts (one per outcome). */
export const RECEIVER_METRICS = {
  accepted: 'WebhookDeliveriesAccepted',
  unauthenticated: 'WebhookDeliveriesUnauthenticated',
  malformed: 'WebhookDeliveriesMalformed',
  oversized: 'WebhookDeliveriesOversized',
  unavailable: 'WebhookDeliveriesUnavailable',
} as const;

const answer = (statusCode: number, status: string): WebhookResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status }),
});

export async function receiveDelivery(request: WebhookRequest, deps: ReceiveDeliveryDeps): Promise<WebhookResponse> {
  if (request.method.toUpperCase() !== 'POST') return answer(405, 'method not allowed');
  const presented = Object.entries(request.headers).find(([name]) => name.toLowerCase() === WEBHOOK_AUTH_HEADER)?.[1];
  let authenticated: boolean;
  try {
    authenticated = await deps.verifier.verify(presented);
  } catch (error) {
    deps.count(RECEIVER_METRICS.unavailable);
    deps.logger.error('Webhook header secret unavailable; answering 503 so Procore retries', { error: error instanceof Error ? error.message : String(error) });
    return answer(503, 'unavailable');
  }
  if (!authenticated) {
    deps.count(RECEIVER_METRICS.unauthenticated);
    deps.logger.warn('Webhook delivery refused: missing or wrong authentication header', { headerPresent: presented !== undefined });
    return answer(401, 'unauthenticated');
  }
  const body = request.body === undefined ? '' : request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > WEBHOOK_MAX_BODY_BYTES) {
    deps.count(RECEIVER_METRICS.oversized);
    deps.logger.warn('Webhook delivery refused: body too large', { bytes, maxBytes: WEBHOOK_MAX_BODY_BYTES });
    return answer(413, 'payload too large');
  }
  const event = parseEvent(body, deps.logger);
  if (!event) {
    deps.count(RECEIVER_METRICS.malformed);
    return answer(400, 'malformed');
  }
  try {
    await deps.enqueue(event);
  } catch (error) {
    deps.count(RECEIVER_METRICS.unavailable);
    deps.logger.error('Webhook event could not be queued; answering 503 so Procore retries', {
      ulid: event.ulid,
      error: error instanceof Error ? error.name : String(error),
    });
    return answer(503, 'unavailable');
  }
  deps.count(RECEIVER_METRICS.accepted);
  return answer(202, 'accepted');
}

/** The event, or undefined after logging what was wrong (field paths and problems, no values). */
function parseEvent(body: string, logger: LoggerLike): WebhookEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    logger.warn('Webhook delivery refused: body is not JSON', { errorClass: 'InvalidJson', bytes: Buffer.byteLength(body, 'utf8') });
    return undefined;
  }
  const result = WebhookEventSchema.safeParse(json);
  if (!result.success) {
    logger.warn('Webhook delivery refused: not a v2 webhook event', { errorClass: 'SchemaInvalid', problems: webhookEventProblems(result.error) });
    return undefined;
  }
  return result.data;
}
