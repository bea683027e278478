// The reconciliation pull of a webhook resource delivers only what the webhook path missed: the
// events consumer keeps a delivered marker per record (its content hash, or "removed"), and the
// reconciliation pull (the real planner with the reconcile rule's event, the real workers) leaves out
// each record whose marker is its version. The simulator and moto; the clock moves a little between
// steps, so each reconciliation window overlaps the one before (overlapMinutes 5) and holds every
// record changed in this file.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/commons/aws/clients';
import { RECONCILE_EVENT_MARKER } from '../../functions/pull/cadence/run-resources';
import { ChangeDetector } from '../../functions/pull/content-hash/change-detector';
import { REMOVED_MARKER } from '../../functions/pull/content-hash/delivered-markers';
import { contentHash } from '../../functions/pull/content-hash/record-hash';
import { readContentHashes, writeContentHashes } from '../../functions/pull/state/content-hashes';
import { lambdaContext } from '../../local/lambda-context';
import { eventTime, scheduledEvent, startPullHarness, type PullHarness, type ReceivedRecord } from '../pull/support/pull-harness';
import { startEventsConsumer, type EventsConsumer } from './support/events-consumer';
import { webhookEvent } from './support/webhook-payloads';

let h: PullHarness;
let deliver: EventsConsumer['deliver'];
let ids: number[];

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { now: Date.now(), data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 8, resources: ['rfis', 'projects'] } },
    // reconciledResources is what the stack bundles beside the sync scope when rfis are taken by webhook.
    sync: () => ({ resources: ['rfis'], reconciledResources: ['rfis'] }) as never,
  });
  ({ deliver } = await startEventsConsumer(h, { WEBHOOK_RESOURCES: 'rfis' }));
  ids = h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId }).map((r) => r.id as number);
  // The first reconciliation pull of the scope delivers everything (no cursor, no marker yet).
  expect((await reconcile()).length).toBe(ids.length);
}, 60_000);

afterAll(() => h.close());

/** One run of the reconciliation rule, its jobs worked off: the rfis records it delivered. */
async function reconcile(): Promise<ReceivedRecord[]> {
  h.sim.clock.advance(20_000);
  const records = await h.collectRecords(async () => {
    await h.planner(
      { ...scheduledEvent(eventTime(h.sim.clock.now())), connector: RECONCILE_EVENT_MARKER } as never,
      lambdaContext({ timeoutMs: 300_000, functionName: 'planner' }),
    );
    await h.drainJobs();
  });
  return records.filter((r) => r.envelope.resource === 'rfis');
}

const event = (id: number, eventType: 'update' | 'delete') =>
  webhookEvent({
    companyId: h.companyId,
    projectId: h.projectId,
    resourceName: 'RFIs',
    resourceId: id,
    eventType,
    timestamp: new Date(h.sim.clock.now()).toISOString(),
  });
const subject = (r: ReceivedRecord) => (r.envelope.data as { subject?: string }).subject;
const summary = (records: ReceivedRecord[]) => records.map((r) => [r.envelope.id, r.envelope.lifecycle]);

describe('reconciliation after webhooks (simulator + moto)', () => {
  it('a record the webhook delivered is not delivered again by the next reconciliation pull, nor one the last pull delivered', async () => {
    const id = ids[0]!;
    h.sim.clock.advance(5_000);
    h.sim.store.update('rfis', id, { subject: 'by webhook' });
    const byWebhook = await deliver([event(id, 'update')]);
    expect(summary(byWebhook.records)).toEqual([[id, 'active']]);
    // Its updated_at is in the window (and every record of the first pull is in the overlap): nothing comes.
    expect(summary(await reconcile())).toEqual([]);
  });

  it('a record whose webhook was dropped is delivered by reconciliation exactly once', async () => {
    const id = ids[1]!;
    h.sim.clock.advance(5_000);
    h.sim.store.update('rfis', id, { subject: 'webhook dropped' });
    const first = await reconcile();
    expect(summary(first)).toEqual([[id, 'active']]);
    expect(subject(first[0]!)).toBe('webhook dropped');
    // Still inside the next window's overlap: the pull's own marker leaves it out.
    expect(summary(await reconcile())).toEqual([]);
  });

  it('a record changed again after its webhook delivery is delivered by reconciliation, as its latest version', async () => {
    const id = ids[2]!;
    h.sim.clock.advance(5_000);
    h.sim.store.update('rfis', id, { subject: 'first change' });
    expect(summary((await deliver([event(id, 'update')])).records)).toEqual([[id, 'active']]);
    h.sim.clock.advance(5_000);
    h.sim.store.update('rfis', id, { subject: 'second change, webhook lost' });
    const records = await reconcile();
    expect(summary(records)).toEqual([[id, 'active']]);
    expect(subject(records[0]!)).toBe('second change, webhook lost');
  });

  it('a record deleted and delivered as removed by its webhook is not delivered again from the recycle bin; one whose delete was dropped is, once', async () => {
    const [byWebhook, dropped] = [ids[3]!, ids[4]!];
    h.sim.clock.advance(5_000);
    h.sim.store.recycle('rfis', byWebhook);
    h.sim.store.recycle('rfis', dropped);
    expect(summary((await deliver([event(byWebhook, 'delete')])).records)).toEqual([[byWebhook, 'recycled']]);
    expect((await readContentHashes(h.table, h.projectScope('rfis'))).get(String(byWebhook))).toBe(REMOVED_MARKER);
    expect(summary(await reconcile())).toEqual([[dropped, 'recycled']]);
    expect(summary(await reconcile())).toEqual([]);
  });

  it('a record restored after its webhook delete is delivered by reconciliation (listed active again)', async () => {
    const id = ids[3]!;
    h.sim.clock.advance(5_000);
    h.sim.store.restore('rfis', id);
    expect(summary(await reconcile())).toEqual([[id, 'active']]);
  });

  it('the consumer writes the markers of a scope’s burst in one BatchWriteItem per 25 records', async () => {
    const burst = ids.slice(5, 8);
    h.sim.clock.advance(5_000);
    for (const id of burst) h.sim.store.update('rfis', id, { subject: `burst ${id}` });
    const send = documentClient.send.bind(documentClient);
    const writes: number[] = [];
    const spy = jest.spyOn(documentClient, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof BatchWriteCommand) writes.push(Object.values(command.input.RequestItems ?? {}).reduce((n, items) => n + items.length, 0));
      return send(command as never);
    }) as never);
    try {
      expect((await deliver(burst.map((id) => event(id, 'update')))).records).toHaveLength(burst.length);
    } finally {
      spy.mockRestore();
    }
    expect(writes).toEqual([burst.length]);
    expect(summary(await reconcile())).toEqual([]);
  });

  it('the scope’s hash partition holds one marker per record delivered, each a content hash once Procore lists it again', async () => {
    const markers = await readContentHashes(h.table, h.projectScope('rfis'));
    expect(markers.get(String(ids[0]))).toMatch(/^[\w-]{22}$/);
    expect(markers.size).toBe(ids.length);
  });

  it('a content-hash listing does not deliver a webhook removal again, and forgets its marker once the id has left the list', async () => {
    const scope = { companyId: h.companyId, projectId: null, resource: 'cost_codes' };
    const kept = { id: 2, subject: 'unchanged' };
    await writeContentHashes(
      h.table,
      scope,
      new Map([
        ['1', REMOVED_MARKER],
        ['2', contentHash(kept)],
      ]),
    );
    const listing = await ChangeDetector.load(h.table, scope, { idField: 'id', full: false });
    expect(listing.changed([kept])).toEqual([]);
    expect(listing.removedIds()).toEqual([]);
    await listing.forget(listing.removedIds());
    expect([...(await readContentHashes(h.table, scope)).keys()]).toEqual(['2']);
  });
});
