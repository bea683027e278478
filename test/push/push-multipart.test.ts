// Company users' update and sync declare only multipart/form-data: the push path sends them as
// multipart with Rails' nested field names, and the simulator (which refuses a body type the
// operation does not declare) applies them. Sync items addressed by id and by origin_id go in
// separate calls, so every item of a multipart array leads with the same key.
import { startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
});

describe('push: multipart writes where only multipart is declared', () => {
  it('updates and syncs company users as multipart/form-data', async () => {
    const { companyId, sim } = h;
    const [first, second] = sim.store.list('company_users', { companyId });
    const base = { version: 1, companyId, resource: 'company_users' };
    const messages = [
      { ...base, id: 'mp-update', operation: 'update', procoreId: first!.id, data: { job_title: 'Chief Estimator', is_employee: true } },
      { ...base, id: 'mp-upsert-id', operation: 'upsert', procoreId: second!.id, data: { last_name: 'Renamed' } },
      { ...base, id: 'mp-upsert-origin', operation: 'upsert', originId: 'HR-100', data: { last_name: 'Okafor', email_address: 'okafor@example.com' } },
      { ...base, id: 'mp-create-origin', operation: 'create', originId: 'HR-101', data: { last_name: 'Rossi', email_address: 'rossi@example.com' } },
    ];
    await h.send(messages);
    sim.clearRequests();

    const batch = await h.play({ batchSize: 10 });
    expect(batch.failed).toEqual([]);
    expect(await h.deadLetters()).toEqual([]);

    const writes = sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
    expect(writes.every((r) => r.status === 200 && !r.refusal && r.headers['content-type']?.startsWith('multipart/form-data'))).toBe(true);
    expect(writes.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`).sort()).toEqual([
      'PATCH /api/rest/vN.N/companies/N/users/N',
      // One sync call for the item addressed by id, one for the two addressed by origin_id.
      'PATCH /api/rest/vN.N/companies/N/users/sync',
      'PATCH /api/rest/vN.N/companies/N/users/sync',
    ]);

    expect(sim.store.get('company_users', first!.id)).toMatchObject({ job_title: 'Chief Estimator', is_employee: 'true' });
    expect(sim.store.get('company_users', second!.id)).toMatchObject({ last_name: 'Renamed' });
    const byOrigin = new Map(sim.store.list('company_users', { companyId }).map((u) => [u.origin_id, u]));
    expect(byOrigin.get('HR-100')).toMatchObject({ last_name: 'Okafor', email_address: 'okafor@example.com' });
    expect(byOrigin.get('HR-101')).toMatchObject({ last_name: 'Rossi' });
  });
});
