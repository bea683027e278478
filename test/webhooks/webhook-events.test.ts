// The webhook events consumer (the real handler) against the Procore simulator and moto, beside the
// real pull planner and worker (the pull harness): events are posted as Procore would deliver them
// (the simulator sends no webhooks yet), queued on a moto events queue and handed to the handler as
// Lambda's event source would. What a downstream consumer sees on the records queue is compared with
// what the scheduled pull delivers for the same records.
import { RecordEnvelopeSchema } from '../../functions/commons/contracts/record-envelope';
import { ID_FILTERS } from '../../functions/webhooks/deliver-scope';
import { tableEventClaims } from '../../functions/webhooks/state/event-claims';
import { buildListRequest, getResource } from '../../functions/commons/resources/registry';
import { DeclaredOperations } from '../../simulator';
import { receiveMessages } from '../../local/sqs-event-source';
import { queueDepth, startPullHarness, type PullHarness, type ReceivedRecord } from '../pull/support/pull-harness';
import { startEventsConsumer, type EventsConsumer } from './support/events-consumer';
import { ulid, webhookEvent } from './support/webhook-payloads';

let h: PullHarness;
let events: string;
let eventsDlq: string;
let deliver: EventsConsumer['deliver'];
let projectId: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { now: Date.now(), data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 6, resources: ['rfis', 'vendors', 'projects'] } },
    sync: () => ({ resources: ['rfis', 'vendors'] }),
  });
  ({ events, eventsDlq, deliver } = await startEventsConsumer(h, { WEBHOOK_RESOURCES: 'rfis,vendors', MAX_RECEIVE_COUNT: '3' }));
  projectId = h.sim.store.projects(h.companyId)[0]!.id;
}, 60_000);

afterAll(() => h.close());

const rfiIds = () => h.sim.store.list('rfis', { companyId: h.companyId, projectId }).map((r) => r.id as number);
const now = () => new Date(h.sim.clock.now()).toISOString();
const rfiEvent = (id: number, eventType: 'create' | 'update' | 'delete', extra: { ulid?: string; sourceApplicationId?: string } = {}) =>
  webhookEvent({ companyId: h.companyId, projectId, resourceName: 'RFIs', resourceId: id, eventType, timestamp: now(), ...extra });

const withoutSyncedAt = ({ envelope, attributes }: ReceivedRecord) => {
  const { syncedAt: _syncedAt, ...rest } = envelope;
  return { envelope: rest, attributes };
};

describe('webhook events consumer (simulator + moto)', () => {
  it('a burst of updates in one scope costs one Procore read and delivers each changed record once; duplicates and own writes skipped', async () => {
    const [a, b, c, own] = rfiIds();
    for (const id of [a!, b!, c!, own!]) h.sim.store.update('rfis', id, { subject: `changed ${id}` });
    const first = rfiEvent(a!, 'update');
    const burst = [
      first,
      rfiEvent(b!, 'update'),
      rfiEvent(c!, 'create'),
      { ...first },
      rfiEvent(a!, 'update'),
      rfiEvent(own!, 'update', { sourceApplicationId: h.sim.clientId }),
    ];
    const { failed, records, requests } = await deliver(burst);
    expect(failed).toBe(0);
    expect(requests).toBe(1);
    expect(records.map((r) => r.envelope.id).sort()).toEqual([a, b, c].sort());
    for (const record of records) {
      expect(RecordEnvelopeSchema.parse(record.envelope)).toMatchObject({ resource: 'rfis', lifecycle: 'active', deleted: false });
      expect((record.envelope.data as { subject: string }).subject).toBe(`changed ${record.envelope.id}`);
    }
    // The same deliveries again (Procore retried them): nothing new downstream, no Procore call.
    const again = await deliver(burst.slice(0, 3));
    expect(again).toMatchObject({ failed: 0, records: [], requests: 0 });
  });

  it('a single changed record is read by its id (filters[id], declared for the list), with the pull path’s window filter', async () => {
    const [id] = rfiIds();
    h.sim.store.update('rfis', id!, { subject: 'single' });
    const { records } = await deliver([rfiEvent(id!, 'update')]);
    expect(records.map((r) => r.envelope.id)).toEqual([id]);
    const [read] = h.sim.requests().filter((r) => r.path.endsWith('/rfis'));
    expect(read!.query).toMatchObject({ 'filters[id]': String(id) });
    expect(read!.query['filters[updated_at]']).toMatch(/\.\.\./);
    expect(read!.refusal).toBeUndefined();
  });

  it('downstream cannot tell a webhook record from the scheduled pull’s: same envelope, same attributes', async () => {
    const [id] = rfiIds();
    h.sim.clock.advance(60_000);
    h.sim.store.update('rfis', id!, { subject: 'compare me' });
    const byWebhook = (await deliver([rfiEvent(id!, 'update')])).records;
    h.sim.clock.advance(1_000);
    const byPull = await h.collectRecords(async () => {
      await h.plan();
      await h.drainJobs();
    });
    const pulled = byPull.filter((r) => r.envelope.resource === 'rfis' && r.envelope.id === id);
    expect(pulled).toHaveLength(1);
    expect(byWebhook.map(withoutSyncedAt)).toEqual(pulled.map(withoutSyncedAt));
  });

  it('a delete becomes a removal envelope without a read: recycled for a resource with a recycle bin', async () => {
    const id = rfiIds().at(-1)!;
    h.sim.store.recycle('rfis', id);
    const { records, requests } = await deliver([rfiEvent(id, 'delete')]);
    expect(requests).toBe(0);
    expect(records).toHaveLength(1);
    expect(RecordEnvelopeSchema.parse(records[0]!.envelope)).toMatchObject({ id, lifecycle: 'recycled', deleted: true, resource: 'rfis', projectId });
    expect(records[0]!.attributes).toMatchObject({ lifecycle: 'recycled', resource: 'rfis' });
  });

  it('a company resource (vendors) arrives as the pull delivers it, with no project, whatever project the hook names; its delete is `deleted`', async () => {
    const vendors = h.sim.store.list('vendors', { companyId: h.companyId }).map((r) => r.id as number);
    const [changed, gone] = vendors;
    h.sim.store.update('vendors', changed!, { name: 'Renamed Vendor' });
    const vendorEvent = (id: number, eventType: 'update' | 'delete') =>
      webhookEvent({ companyId: h.companyId, projectId, resourceName: 'Company Vendors', resourceId: id, eventType, timestamp: now() });
    const { failed, records, requests } = await deliver([vendorEvent(changed!, 'update'), vendorEvent(gone!, 'delete')]);
    expect({ failed, requests }).toEqual({ failed: 0, requests: 1 });
    const byId = new Map(records.map((r) => [r.envelope.id, r]));
    expect(byId.get(changed!)!.envelope).toMatchObject({ resource: 'vendors', projectId: null, lifecycle: 'active' });
    expect(byId.get(changed!)!.attributes.projectId).toBeUndefined();
    expect(byId.get(gone!)!.envelope).toMatchObject({ resource: 'vendors', projectId: null, lifecycle: 'deleted', deleted: true });
    const [read] = h.sim.requests().filter((r) => r.path.endsWith('/vendors'));
    expect(read!.query).toMatchObject({ 'filters[id][]': String(changed), view: 'extended' });
  });

  it('Procore failing returns the scope’s events to the queue with their claims released; the retry delivers them', async () => {
    const [id] = rfiIds();
    h.sim.store.update('rfis', id!, { subject: 'after an outage' });
    h.sim.setFaults({ serverErrorRate: 1 });
    // A 15 s function: the client retries 5xx in place until its deadline (the timeout less 10 s), then gives up.
    const failing = await deliver([rfiEvent(id!, 'update')], 15_000);
    h.sim.setFaults(undefined);
    expect(failing).toMatchObject({ failed: 1, records: [] });
    // The same message comes back (its second receive) and is not taken for a duplicate.
    const retried = await deliver([]);
    expect(retried.failed).toBe(0);
    expect(retried.records.map((r) => r.envelope.id)).toEqual([id]);
    expect(await queueDepth(h.sqs, events)).toBe(0);
  }, 60_000);

  it('an event that is not a v2 event or names no project for a project resource is dead-lettered with its reason; other resources are ignored', async () => {
    const [id] = rfiIds();
    const vendorless = webhookEvent({ companyId: h.companyId, projectId: null, resourceName: 'RFIs', resourceId: id!, eventType: 'update', timestamp: now() });
    const other = webhookEvent({ companyId: h.companyId, projectId, resourceName: 'Change Events', resourceId: 5, eventType: 'update', timestamp: now() });
    const { failed, records } = await deliver(['{"not":"an event"}', vendorless, other]);
    expect({ failed, records }).toEqual({ failed: 0, records: [] });
    const dead = await receiveMessages(h.sqs, eventsDlq, 10);
    expect(dead).toHaveLength(2);
    const reasons = dead.map((m) => m.MessageAttributes?.['connector.errorMessage']?.StringValue ?? '').sort();
    expect(reasons[0]).toMatch(/not a webhook event/);
    expect(reasons[1]).toMatch(/project-scoped, but the event has no project_id/);
    expect(await queueDepth(h.sqs, events)).toBe(0);
  });

  it('the id filter of each list is one its operation declares (docs/procore-endpoints.tsv); company users have none', () => {
    const declared = DeclaredOperations.fromFile();
    for (const [resource, filter] of Object.entries(ID_FILTERS)) {
      if (filter === undefined) continue;
      const list = buildListRequest(getResource(resource), { companyId: 1, projectId: 2 });
      const problem = declared.check({ method: 'GET', path: list.path, queryParams: [...Object.keys(list.query ?? {}), filter] });
      expect({ resource, problem }).toEqual({ resource, problem: undefined });
    }
    expect(ID_FILTERS.company_users).toBeUndefined();
  });

  it('a claim left by an invocation that died lapses after its lease, so the message that comes back is delivered; a done one stays a duplicate', async () => {
    let clock = 1_000_000;
    const claims = tableEventClaims(h.table, { now: () => clock, leaseMs: 70_000 });
    const [crashed, finished] = [ulid(), ulid()];
    expect(await claims.claim(crashed)).toBe(true);
    expect(await claims.claim(finished)).toBe(true);
    await claims.done(finished);
    // Another copy while the first is in progress: a duplicate (the first still has its message).
    expect(await claims.claim(crashed)).toBe(false);
    clock += 70_001;
    expect(await claims.claim(crashed)).toBe(true);
    expect(await claims.claim(finished)).toBe(false);
  });
});
