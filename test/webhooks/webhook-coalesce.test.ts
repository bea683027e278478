// Pure pieces of the webhook path: which connector resource an event names, and how a batch's events
// of one scope become one piece of work (each id once, the latest event deciding, whatever order
// Procore delivered them in).
import { connectorResourceOf, WebhookEventSchema } from '../../functions/commons/contracts/webhook-event';
import { coalesceByScope, type ScopedEvent } from '../../functions/webhooks/coalesce';
import { webhookEvent } from './support/webhook-payloads';

const at = (second: number) => `2026-11-30T04:00:${String(second).padStart(2, '0')}.250000Z`;
const scoped = (resourceId: number, eventType: 'create' | 'update' | 'delete', second: number, projectId = 7): ScopedEvent => ({
  event: webhookEvent({ companyId: 1, projectId, resourceName: 'RFIs', resourceId, eventType, timestamp: at(second) }),
  resource: 'rfis',
  messageId: `m-${resourceId}-${second}`,
});

describe('webhook events, pure', () => {
  it("names the connector's resources by Procore's resource names, and nothing else", () => {
    expect(connectorResourceOf('RFIs')).toBe('rfis');
    expect(connectorResourceOf('Submittals')).toBe('submittals');
    expect(connectorResourceOf('Company Users')).toBe('company_users');
    expect(connectorResourceOf('Observation Items')).toBe('observations');
    expect(connectorResourceOf('Work Order Contracts')).toBe('work_order_contracts');
    expect(connectorResourceOf('work order contracts')).toBe('work_order_contracts');
    expect(connectorResourceOf('work_order_contracts')).toBeUndefined();
    expect(connectorResourceOf('Change Events')).toBe('change_events');
    expect(connectorResourceOf('Daily Logs')).toBeUndefined();
  });

  it('takes a v2 payload with fields it does not read, and refuses one missing what it reads', () => {
    const sent = {
      ...webhookEvent({ companyId: 1, projectId: null, resourceName: 'Vendors', resourceId: 9, eventType: 'update', timestamp: at(1) }),
      api_version: 'v2',
    };
    expect(WebhookEventSchema.parse(sent)).toEqual(sent);
    const { resource_id: _id, ...withoutId } = sent;
    expect(WebhookEventSchema.safeParse(withoutId).success).toBe(false);
    expect(WebhookEventSchema.safeParse({ ...sent, timestamp: 'yesterday' }).success).toBe(false);
  });

  it('one piece of work per scope; each id once; the latest event decides, in any delivery order', () => {
    const events = [
      scoped(1, 'update', 5),
      scoped(2, 'delete', 9), // deleted after its update: removed
      scoped(2, 'update', 3),
      scoped(3, 'delete', 2), // restored after its delete: read
      scoped(3, 'update', 8),
      scoped(1, 'update', 1),
      scoped(4, 'create', 4, 8), // another project: another scope
    ];
    const [first, second] = coalesceByScope(events);
    expect(first).toMatchObject({ scope: { companyId: 1, projectId: 7, resource: 'rfis' }, readIds: [1, 3], deleted: [{ id: 2, at: at(9) }] });
    expect(first!.earliestChange).toBe('2026-11-30T04:00:05.250Z');
    expect(first!.events).toHaveLength(6);
    expect(second).toMatchObject({ scope: { projectId: 8 }, readIds: [4], deleted: [] });
    expect(coalesceByScope([scoped(5, 'delete', 1)])[0]).not.toHaveProperty('earliestChange');
  });
});
