// Forty vendor upserts in one batch go to Procore as ONE PATCH /rest/v1.0/vendors/sync; the items
// Procore rejects inside its 200 answer are dead-lettered as their own messages, the rest applied.
import { bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
});

describe('push: batch upserts', () => {
  it('sends 40 vendor upserts as one sync call and maps per-item errors to their messages', async () => {
    const { companyId, sim } = h;
    // Ten upstream vendors Procore already has (matched by origin_id), thirty new ones.
    const existing = Array.from({ length: 10 }, (_, i) =>
      sim.store.insert('vendors', { companyId }, { name: `Existing Vendor ${i}`, origin_id: `ERP-SYNC-${i}` }),
    );
    const invalid = new Set([7, 21, 33]);
    const messages = Array.from({ length: 40 }, (_, i) => ({
      version: 1,
      id: `sync-${i}`,
      companyId,
      resource: 'vendors',
      operation: 'upsert',
      originId: `ERP-SYNC-${i}`,
      // A blank name is refused by Procore, item by item.
      data: { name: invalid.has(i) ? '' : `Synced Vendor ${i}`, trade_name: 'Concrete' },
    }));
    await h.send(messages);
    sim.clearRequests();

    const batch = await h.play({ batchSize: 40, timeoutMs: 10_000 });
    expect(batch.messages).toHaveLength(40);
    expect(batch.failed).toEqual([]);

    // One write request for the whole batch.
    const writes = sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
    expect(writes.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['PATCH /api/rest/v1.0/vendors/sync 200']);

    // Applied: existing records updated in place, new ones created with the upstream key.
    const byOrigin = new Map(sim.store.list('vendors', { companyId }).map((v) => [v.origin_id, v]));
    for (let i = 0; i < 40; i++) {
      const vendor = byOrigin.get(`ERP-SYNC-${i}`);
      if (invalid.has(i)) {
        expect(vendor?.name ?? null).toBe(i < 10 ? `Existing Vendor ${i}` : null);
      } else {
        expect(vendor?.name).toBe(`Synced Vendor ${i}`);
        if (i < 10) expect(vendor?.id).toBe(existing[i]!.id);
      }
    }

    // Rejected items: each message in the DLQ with Procore's field error.
    const dead = await h.deadLetters();
    expect(dead.map((d) => d.body).sort()).toEqual([...invalid].map((i) => bodyOf(messages[i])).sort());
    for (const d of dead) {
      expect(d.reason).toMatchObject({ errorClass: 'ProcoreValidation', attempts: 1 });
      expect(d.reason.message).toContain("name can't be blank");
      expect(d.reason.procoreRequestId).toMatch(/^[0-9a-f-]{36}$/);
    }

    // Results map each message to its own record.
    const results = await h.results();
    expect(results).toHaveLength(40);
    for (const r of results) {
      const i = Number(r.id?.replace('sync-', ''));
      if (invalid.has(i)) expect(r.status).toBe('dead_lettered');
      else expect(r).toMatchObject({ status: 'applied', procoreId: byOrigin.get(`ERP-SYNC-${i}`)!.id, originId: `ERP-SYNC-${i}` });
    }
  });

  it('splits a group when a record is addressed twice, so the later message wins', async () => {
    const { companyId, sim } = h;
    const upsert = (id: string, name: string) => ({
      version: 1,
      id,
      companyId,
      resource: 'vendors',
      operation: 'upsert',
      originId: 'ERP-TWICE',
      data: { name },
    });
    await h.send([upsert('twice-1', 'First Write'), upsert('twice-2', 'Second Write')]);
    sim.clearRequests();
    const batch = await h.play({ batchSize: 10 });
    expect(batch.failed).toEqual([]);
    const syncCalls = sim.requests().filter((r) => r.method === 'PATCH' && r.path.endsWith('/vendors/sync'));
    expect(syncCalls).toHaveLength(2);
    const vendors = sim.store.list('vendors', { companyId }).filter((v) => v.origin_id === 'ERP-TWICE');
    const later = JSON.parse(batch.messages[1]!.Body!) as { data: { name: string } };
    expect(vendors.map((v) => v.name)).toEqual([later.data.name]);
  });
});
