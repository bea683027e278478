import { MAX_BATCH_UPSERT_ITEMS, startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, formOf, requestToken } from './sim-http';

describe('simulator writes: create, update, delete, sync', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;
  let projectId: number;

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 2 } });
    companyId = sim.store.companies()[0]!.id;
    projectId = sim.store.projects(companyId)[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterAll(() => sim.close());

  it('creates records from Procore-wrapped bodies (201) on each resource', async () => {
    const userId = sim.store.list('company_users', { companyId })[0]!.id;
    const creates: [string, unknown][] = [
      ['/rest/v1.0/projects', { company_id: companyId, project: { name: 'New HQ' } }],
      [`/rest/v1.0/projects/${projectId}/rfis`, { rfi: { subject: 'Beam size', rfi_manager_id: userId, question: { body: 'Which beam?' } } }],
      [`/rest/v1.1/projects/${projectId}/submittals`, { submittal: { number: '05 12 00-1', title: 'Steel' } }],
      ['/rest/v1.0/observations/items', { project_id: projectId, observation: { name: 'Loose rail', type_id: 2 } }],
      ['/rest/v1.0/vendors', { company_id: companyId, vendor: { name: 'Acme Steel', origin_id: 'V-1' } }],
      [`/rest/v1.3/companies/${companyId}/users`, { user: { last_name: 'Diaz', email_address: 'diaz@example.com' } }],
      ['/rest/v1.0/work_order_contracts', { project_id: projectId, work_order_contract: { title: 'Steel package', origin_id: 'WO-1' } }],
    ];
    for (const [path, body] of creates) {
      const res = await api(path, { method: 'POST', body });
      expect({ path, status: res.status }).toEqual({ path, status: 201 });
      expect(res.json).toMatchObject({ id: expect.any(Number), created_at: expect.any(String), updated_at: expect.any(String) });
    }
    const rfi = sim.store.list('rfis', { companyId, projectId }).at(-1)!;
    expect(rfi).toMatchObject({ subject: 'Beam size', questions: [expect.objectContaining({ body: 'Which beam?' })] });
    const project = sim.store.projects(companyId).find((p) => p.name === 'New HQ');
    expect(project?.permitted).toBe(true);
  });

  it('answers 400 when the body wrapper is missing', async () => {
    const res = await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, name: 'Flat' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.stringMatching(/vendor/) });
  });

  it('answers 422 for blank required fields, in the error shape each endpoint uses', async () => {
    const rfi = await api(`/rest/v1.0/projects/${projectId}/rfis`, { method: 'POST', body: { rfi: { subject: '' } } });
    expect(rfi.status).toBe(422);
    expect(rfi.json).toEqual({
      errors: { subject: ["can't be blank"], rfi_manager_id: ["can't be blank"], 'question.body': ["can't be blank"] },
    });

    const submittal = await api(`/rest/v1.1/projects/${projectId}/submittals`, { method: 'POST', body: { submittal: { title: 'x' } } });
    expect(submittal.status).toBe(422);
    expect(submittal.json).toEqual({ errors: "Number can't be blank" });

    const user = await api(`/rest/v1.3/companies/${companyId}/users`, { method: 'POST', body: { user: { first_name: 'A' } } });
    expect(user.status).toBe(422);
    expect(user.json).toEqual({ message: 'Validation failed', error: expect.stringMatching(/Last name can't be blank/) });

    const vendor = sim.store.list('vendors', { companyId })[0]!;
    const blanked = await api(`/rest/v1.0/vendors/${vendor.id}`, { method: 'PATCH', body: { company_id: companyId, vendor: { name: ' ' } } });
    expect(blanked.status).toBe(422);
    expect(blanked.json).toEqual({ errors: { name: ["can't be blank"] } });
  });

  it('answers 409 for a duplicate origin_id in the company', async () => {
    const first = await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, vendor: { name: 'A', origin_id: 'DUP-1' } } });
    expect(first.status).toBe(201);
    const again = await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, vendor: { name: 'B', origin_id: 'DUP-1' } } });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ errors: { origin_id: ['has already been taken'] } });
    expect(sim.store.list('vendors', { companyId }).filter((v) => v.origin_id === 'DUP-1')).toHaveLength(1);
  });

  it('updates (200, bumps updated_at) and deletes (204, then 404)', async () => {
    const vendor = sim.store.list('vendors', { companyId })[0]!;
    sim.clock.advance(5_000);
    const res = await api(`/rest/v1.0/vendors/${vendor.id}`, { method: 'PATCH', body: { company_id: companyId, vendor: { city: 'Reno' } } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: vendor.id, name: vendor.name, city: 'Reno' });
    expect(Date.parse(res.json.updated_at)).toBeGreaterThan(Date.parse(vendor.updated_at));

    const woc = sim.store.list('work_order_contracts', { companyId, projectId })[0]!;
    const del = await api(`/rest/v1.0/work_order_contracts/${woc.id}?project_id=${projectId}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await api(`/rest/v1.0/work_order_contracts/${woc.id}?project_id=${projectId}`)).status).toBe(404);
    expect(sim.store.count('work_order_contracts', { companyId, projectId })).toBe(sim.store.list('work_order_contracts', { companyId, projectId }).length);
  });

  it('syncs: updates by id or origin_id, creates unknown origin_ids, reports per-item errors in a 200', async () => {
    const existing = sim.store.list('vendors', { companyId })[1]!;
    const res = await api('/rest/v1.0/vendors/sync', {
      method: 'PATCH',
      body: {
        company_id: companyId,
        updates: [
          { id: existing.id, city: 'Boise' },
          { origin_id: 'SYNC-NEW', name: 'Fresh Vendor' },
          { origin_id: 'SYNC-BAD' }, // would create, but has no name
          { id: 123, name: 'Ghost' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.entities).toEqual([
      expect.objectContaining({ id: existing.id, city: 'Boise' }),
      expect.objectContaining({ origin_id: 'SYNC-NEW', name: 'Fresh Vendor' }),
    ]);
    expect(res.json.errors).toEqual([
      { origin_id: 'SYNC-BAD', errors: { name: ["can't be blank"] } },
      { id: 123, name: 'Ghost', errors: { id: ['not found'] } },
    ]);

    // The same origin_id again updates instead of creating a second record.
    const again = await api('/rest/v1.0/vendors/sync', {
      method: 'PATCH',
      body: { company_id: companyId, updates: [{ origin_id: 'SYNC-NEW', name: 'Renamed Vendor' }] },
    });
    expect(again.json.entities[0]).toMatchObject({ id: res.json.entities[1].id, name: 'Renamed Vendor' });
    expect(sim.store.list('vendors', { companyId }).filter((v) => v.origin_id === 'SYNC-NEW')).toHaveLength(1);

    // Company users' sync declares only multipart/form-data: fields named as Rails nests them.
    const users = await api(`/rest/v1.3/companies/${companyId}/users/sync`, {
      method: 'PATCH',
      form: formOf([
        ['updates[][origin_id]', 'HR-7'],
        ['updates[][last_name]', 'Kim'],
        ['updates[][email_address]', 'kim@example.com'],
        ['updates[][origin_id]', 'HR-8'],
        ['updates[][last_name]', 'Lee'],
        ['updates[][email_address]', 'lee@example.com'],
      ]),
    });
    expect(users.json).toEqual({
      entities: [expect.objectContaining({ origin_id: 'HR-7', last_name: 'Kim' }), expect.objectContaining({ origin_id: 'HR-8', last_name: 'Lee' })],
      errors: [],
    });
  });

  it(`rejects a sync of more than ${MAX_BATCH_UPSERT_ITEMS} items with 422`, async () => {
    const updates = Array.from({ length: MAX_BATCH_UPSERT_ITEMS + 1 }, (_, i) => ({ origin_id: `BULK-${i}`, name: `Bulk ${i}` }));
    const res = await api('/rest/v1.0/vendors/sync', { method: 'PATCH', body: { company_id: companyId, updates } });
    expect(res.status).toBe(422);
    expect(sim.store.list('vendors', { companyId }).some((v) => v.origin_id === 'BULK-0')).toBe(false);
    const max = await api('/rest/v1.0/vendors/sync', { method: 'PATCH', body: { company_id: companyId, updates: updates.slice(0, MAX_BATCH_UPSERT_ITEMS) } });
    expect(max.status).toBe(200);
    expect(max.json.entities).toHaveLength(MAX_BATCH_UPSERT_ITEMS);
  });
});
