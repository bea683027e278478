// Webhook deliveries as Procore sends them (payload v2) and as a Lambda function URL hands them to
// the receiver. The simulator sends no webhooks yet: tests post these themselves.
import { randomBytes } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { WebhookEvent, WebhookEventType } from '../../../functions/commons/contracts/webhook-event';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh 26-character ULID (random; ordering does not matter here). */
export function ulid(): string {
  return Array.from(randomBytes(26), (byte) => CROCKFORD[byte % 32]).join('');
}

export function webhookEvent(fields: {
  companyId: number;
  projectId: number | null;
  resourceName: string;
  resourceId: number;
  eventType: WebhookEventType;
  timestamp: string;
  sourceApplicationId?: string;
  ulid?: string;
}): WebhookEvent {
  return {
    id: Math.floor(Math.random() * 1e9),
    ulid: fields.ulid ?? ulid(),
    company_id: fields.companyId,
    project_id: fields.projectId,
    event_type: fields.eventType,
    resource_name: fields.resourceName,
    resource_id: fields.resourceId,
    timestamp: fields.timestamp,
    metadata: { source_user_id: 42, source_application_id: fields.sourceApplicationId ?? 'someone-else', source_operation_id: null },
  };
}

/** A function URL event (payload format 2.0) for a POST with `body` and `headers`. */
export function functionUrlEvent(body: string, headers: Record<string, string>, method = 'POST'): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'url-id',
      domainName: 'url-id.lambda-url.us-east-1.on.aws',
      domainPrefix: 'url-id',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Procore-Webhooks' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: '30/Nov/2026:04:00:00 +0000',
      timeEpoch: Date.now(),
    },
  };
}
