// The simulator's webhooks over real HTTP: Procore's hooks and triggers API at its paths, and
// deliveries of v2 events to a local receiver with retries, back-off, the 12-hour give-up and
// seeded sender faults.
import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';
import { startReceiver, type Receiver } from './webhook-receiver';

const HOOKS = '/rest/v1.0/webhooks/hooks';
const NAMESPACE = 'acme-connector';

describe('simulator webhooks', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let receiver: Receiver;
  let companyId: number;
  let projectId: number;
  let otherProjectId: number;

  beforeAll(async () => {
    // Tests move the clock by hours: a token that outlives them.
    sim = await startSimulator({ tokenTtlSeconds: 30 * 86_400, data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 3 } });
    companyId = sim.store.companies()[0]!.id;
    [projectId, otherProjectId] = sim.store.projects(companyId).map((p) => p.id) as [number, number];
    api = apiClient(sim, await requestToken(sim), companyId);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });
  beforeEach(async () => {
    for (const hook of sim.webhooks.hooks()) await api(`${HOOKS}/${hook.id}?company_id=${companyId}`, { method: 'DELETE' });
    sim.webhooks.setOptions(undefined);
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200 });
  });

  async function createHook(scope: Record<string, number>, triggers: [string, string][]): Promise<number> {
    const hook = await api(HOOKS, {
      method: 'POST',
      body: { ...scope, hook: { api_version: 'v2', namespace: NAMESPACE, destination_url: receiver.url, destination_headers: { Authorization: 'secret-1' } } },
    });
    expect(hook.status).toBe(201);
    const created = await api(`${HOOKS}/${hook.json.id}/triggers/bulk`, {
      method: 'POST',
      body: { ...scope, api_version: 'v2', triggers: triggers.map(([resource_name, event_type]) => ({ resource_name, event_type })) },
    });
    expect(created.status).toBe(200);
    return hook.json.id as number;
  }

  function createRfi(project: number) {
    const manager = sim.store.list('company_users', { companyId })[0]!.id;
    return api(`/rest/v1.0/projects/${project}/rfis`, {
      method: 'POST',
      body: { rfi: { subject: 'Beam', rfi_manager_id: manager, question: { body: 'Which?' } } },
    });
  }

  describe('hooks and triggers API', () => {
    it('creates, lists by namespace, updates and deletes a company hook', async () => {
      const created = await api(HOOKS, {
        method: 'POST',
        body: {
          company_id: companyId,
          hook: { api_version: 'v2', namespace: NAMESPACE, destination_url: 'https://a.example/events', destination_headers: { Authorization: 'x' } },
        },
      });
      expect(created.status).toBe(201);
      expect(created.json).toEqual({
        id: expect.any(Number),
        api_version: 'v2',
        namespace: NAMESPACE,
        destination_url: 'https://a.example/events',
        destination_headers: { Authorization: 'x' },
        owned_by_company_id: companyId,
        owned_by_project_id: null,
        owned_by_user_id: expect.any(Number),
      });
      const id = created.json.id as number;
      // No namespace means Procore's default "procore"; "*" lists every namespace.
      expect((await api(`${HOOKS}?company_id=${companyId}`)).json).toEqual([]);
      expect((await api(`${HOOKS}?company_id=${companyId}&namespace=*`)).json.map((h: { id: number }) => h.id)).toEqual([id]);
      expect((await api(`${HOOKS}?company_id=${companyId}&namespace=${NAMESPACE}`)).json).toHaveLength(1);

      const updated = await api(`${HOOKS}/${id}`, { method: 'PATCH', body: { company_id: companyId, hook: { destination_url: 'https://b.example/events' } } });
      expect(updated.status).toBe(200);
      expect(updated.json).toMatchObject({ destination_url: 'https://b.example/events', destination_headers: { Authorization: 'x' } });

      expect((await api(`${HOOKS}/${id}?company_id=${companyId}`, { method: 'DELETE' })).status).toBe(200);
      expect((await api(`${HOOKS}/${id}/triggers?company_id=${companyId}`)).status).toBe(404);
    });

    it('wants exactly one of company_id and project_id, a permitted project, and only declared parameters', async () => {
      const both = await api(HOOKS, {
        method: 'POST',
        body: { company_id: companyId, project_id: projectId, hook: { api_version: 'v2', destination_url: 'https://a.example' } },
      });
      expect(both.status).toBe(400);
      expect((await api(HOOKS)).status).toBe(400);
      sim.store.setProjectPermitted(companyId, otherProjectId, false);
      try {
        expect((await api(`${HOOKS}?project_id=${otherProjectId}`)).status).toBe(403);
      } finally {
        sim.store.setProjectPermitted(companyId, otherProjectId, true);
      }
      const undeclared = await api(`${HOOKS}?company_id=${companyId}&page=1`);
      expect(undeclared.status).toBe(400);
      expect(undeclared.json.errors).toMatch(/does not declare the query parameter page/);
      const badNamespace = await api(HOOKS, {
        method: 'POST',
        body: { company_id: companyId, hook: { api_version: 'v2', namespace: 'Acme_1', destination_url: 'https://a.example' } },
      });
      expect(badNamespace.status).toBe(422);
    });

    it('adds triggers one at a time or in bulk, refuses duplicates and events Procore does not offer, deletes them', async () => {
      const hookId = await createHook({ company_id: companyId }, [['RFIs', 'create']]);
      const one = await api(`${HOOKS}/${hookId}/triggers`, {
        method: 'POST',
        body: { company_id: companyId, api_version: 'v2', trigger: { resource_name: 'RFIs', event_type: 'update' } },
      });
      expect(one.status).toBe(201);
      expect(one.json).toMatchObject({ webhook_hook_id: hookId, resource_name: 'RFIs', event_type: 'update', company_id: companyId, project_id: null });
      const again = await api(`${HOOKS}/${hookId}/triggers`, {
        method: 'POST',
        body: { company_id: companyId, api_version: 'v2', trigger: { resource_name: 'RFIs', event_type: 'update' } },
      });
      expect(again.status).toBe(422);

      const bulk = await api(`${HOOKS}/${hookId}/triggers/bulk`, {
        method: 'POST',
        body: {
          company_id: companyId,
          api_version: 'v2',
          triggers: [
            { resource_name: 'Submittals', event_type: 'delete' },
            { resource_name: 'Company Users', event_type: 'delete' },
          ],
        },
      });
      expect(bulk.status).toBe(207);
      expect(bulk.json.success).toHaveLength(1);
      expect(bulk.json.failed).toEqual([{ trigger: { resource_name: 'Company Users', event_type: 'delete' }, errors: expect.any(Object) }]);

      const listed = (await api(`${HOOKS}/${hookId}/triggers?company_id=${companyId}`)).json as { id: number; resource_name: string; event_type: string }[];
      expect(listed.map((t) => `${t.resource_name}:${t.event_type}`).sort()).toEqual(['RFIs:create', 'RFIs:update', 'Submittals:delete']);
      const removed = await api(`${HOOKS}/${hookId}/triggers/bulk`, {
        method: 'DELETE',
        body: { company_id: companyId, triggers: [listed[0]!.id, listed[1]!.id] },
      });
      expect(removed.json).toEqual({ success: [listed[0]!.id, listed[1]!.id] });
      expect((await api(`${HOOKS}/${hookId}/triggers/${listed[2]!.id}?company_id=${companyId}`, { method: 'DELETE' })).status).toBe(200);
      expect((await api(`${HOOKS}/${hookId}/triggers?company_id=${companyId}`)).json).toEqual([]);
    });
  });

  describe('deliveries', () => {
    it('POSTs a v2 event naming the app that made the change through the API, with the hook headers', async () => {
      const hookId = await createHook({ company_id: companyId }, [['RFIs', 'create']]);
      const rfi = await createRfi(projectId);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(1);
      const { headers, event } = receiver.received[0]!;
      expect(headers.authorization).toBe('secret-1');
      expect(headers['content-type']).toBe('application/json');
      expect(event).toEqual({
        id: expect.any(Number),
        ulid: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        metadata: {
          source_user_id: sim.store.serviceAccount.id,
          source_company_id: companyId,
          source_project_id: projectId,
          source_operation_id: null,
          source_application_id: sim.clientId,
        },
        user_id: sim.store.serviceAccount.id,
        company_id: companyId,
        project_id: projectId,
        api_version: 'v2.0',
        event_type: 'create',
        resource_name: 'RFIs',
        resource_id: rfi.json.id,
      });
      const deliveries = await api(`${HOOKS}/${hookId}/deliveries?company_id=${companyId}`);
      expect(deliveries.json).toEqual([expect.objectContaining({ outcome: 'ok', response_status: 200, event_id: event.id, event })]);
    });

    it('reports changes made in Procore itself (no application), to company hooks and to the matching project hook only', async () => {
      await createHook({ company_id: companyId }, [['RFIs', 'update']]);
      await createHook({ project_id: otherProjectId }, [['RFIs', 'update']]);
      const [inProject] = sim.store.list('rfis', { companyId, projectId });
      const [inOther] = sim.store.list('rfis', { companyId, projectId: otherProjectId });
      sim.store.touch('rfis', [inProject!.id]);
      sim.store.touch('rfis', [inOther!.id]);
      sim.store.recycle('rfis', inOther!.id); // a delete: no trigger for it
      await sim.webhooks.settle();
      const got = receiver.received.map((r) => [r.event.resource_id, r.event.metadata.source_application_id]);
      // The company hook gets both updates; the other project's hook gets its own one.
      expect(got.sort()).toEqual(
        [
          [inOther!.id, null],
          [inOther!.id, null],
          [inProject!.id, null],
        ].sort(),
      );
    });

    it('retries a failing destination with exponential back-off on the simulator clock, then delivers', async () => {
      const hookId = await createHook({ company_id: companyId }, [['RFIs', 'create']]);
      receiver.answer = (n) => ({ status: n <= 2 ? 500 : 200 });
      await createRfi(projectId);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(1);
      const failing = await api(`${HOOKS}/${hookId}/deliveries?company_id=${companyId}&filters[status]=failing`);
      expect(failing.json).toEqual([expect.objectContaining({ outcome: 'retried', response_status: 500 })]);
      // The clock also runs in real time: each step is set from the failed attempt's end, with a margin either side.
      const failedAt = (attempt: number) => sim.webhooks.deliveries(hookId)[0]!.attempts[attempt]!.completedAt;
      sim.clock.set(failedAt(0) + 500);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(1); // the first retry waits 1 s
      sim.clock.set(failedAt(0) + 1_100);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(2);
      sim.clock.set(failedAt(1) + 1_500);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(2); // then 2 s
      sim.clock.set(failedAt(1) + 2_100);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(3);
      expect(new Set(receiver.received.map((r) => r.event.ulid)).size).toBe(1);
      const [delivery] = sim.webhooks.deliveries(hookId);
      expect(delivery).toMatchObject({ outcome: 'ok', attempts: [{ status: 500 }, { status: 500 }, { status: 200 }] });
    });

    it('counts an answer later than the timeout as a failure', async () => {
      sim.webhooks.setOptions({ timeoutMs: 100 });
      const hookId = await createHook({ company_id: companyId }, [['RFIs', 'create']]);
      receiver.answer = () => ({ status: 200, delayMs: 1_000 });
      await createRfi(projectId);
      await sim.webhooks.settle();
      const [delivery] = sim.webhooks.deliveries(hookId);
      expect(delivery).toMatchObject({ outcome: 'retried', attempts: [{ error: 'no answer within 100 ms' }] });
    });

    it('discards what is queued after 12 hours of failures, and starts afresh with the next event', async () => {
      const hookId = await createHook({ company_id: companyId }, [['RFIs', 'create']]);
      receiver.answer = () => ({ status: 503 });
      await createRfi(projectId);
      await createRfi(projectId);
      for (let hour = 0; hour < 13; hour++) {
        await sim.webhooks.settle();
        sim.clock.advance(60 * 60_000);
      }
      await sim.webhooks.settle();
      const attempts = receiver.received.length;
      expect(attempts).toBeGreaterThan(5);
      expect(attempts).toBeLessThan(30); // bounded: at most one attempt per back-off interval
      // Deliveries to a failing destination are paused: the second event never went out.
      expect(new Set(receiver.received.map((r) => r.event.ulid)).size).toBe(1);
      const discarded = await api(`${HOOKS}/${hookId}/deliveries?company_id=${companyId}&filters[status]=discarded`);
      expect(discarded.json).toHaveLength(2);

      receiver.answer = () => ({ status: 200 });
      await createRfi(projectId);
      await sim.webhooks.settle();
      expect(receiver.received).toHaveLength(attempts + 1);
      const ok = await api(`${HOOKS}/${hookId}/deliveries?company_id=${companyId}&filters[status]=successful`);
      expect(ok.json).toHaveLength(1);
    });

    it('pages deliveries newest first with page_size and page_start (the last id of the previous page)', async () => {
      const hookId = await createHook({ company_id: companyId }, [['Company Vendors', 'update']]);
      const vendors = sim.store.list('vendors', { companyId }).map((v) => v.id);
      sim.store.touch('vendors', vendors);
      await sim.webhooks.settle();
      const first = (await api(`${HOOKS}/${hookId}/deliveries?company_id=${companyId}&page_size=2`)).json as { id: number; event: { resource_id: number } }[];
      expect(first.map((d) => d.event.resource_id)).toEqual([vendors[2], vendors[1]]);
      const next = (await api(`${HOOKS}/${hookId}/deliveries?company_id=${companyId}&page_size=2&page_start=${first[1]!.id}`)).json as {
        event: { resource_id: number };
      }[];
      expect(next.map((d) => d.event.resource_id)).toEqual([vendors[0]]);
    });

    it('duplicates, reorders and drops deliveries by seed, the same way every run', async () => {
      const hookId = await createHook({ company_id: companyId }, [['Company Vendors', 'update']]);
      const vendors = sim.store.list('vendors', { companyId }).map((v) => v.id);
      const run = async () => {
        receiver.received.length = 0;
        sim.webhooks.setOptions({ faults: { dropRate: 0.1, duplicateRate: 0.2, outOfOrderRate: 0.2 } });
        for (let i = 0; i < 10; i++) sim.store.touch('vendors', vendors);
        await sim.webhooks.settle();
        sim.clock.advance(61_000); // a held delivery that nothing overtook is due now
        await sim.webhooks.settle();
        return receiver.received.map((r) => r.event);
      };
      const events = await run();
      const ulids = events.map((e) => e.ulid);
      const distinct = new Set(ulids);
      const dropped = sim.webhooks.deliveries(hookId).filter((d) => d.outcome === 'discarded');
      expect(dropped.length).toBeGreaterThan(0);
      expect(distinct.size).toBe(30 - dropped.length);
      expect(ulids.length).toBeGreaterThan(distinct.size); // duplicates
      const ids = events.map((e) => e.id);
      expect(ids).not.toEqual([...ids].sort((a, b) => a - b)); // out of order

      const pattern = (list: typeof events) => list.map((e) => `${e.resource_id}`);
      const first = pattern(events);
      const second = pattern(await run());
      expect(second).toEqual(first);
    });

    it('sends a held-back delivery after a later one even when the backlog outlasted its hold', async () => {
      const hookId = await createHook({ company_id: companyId }, [['Company Vendors', 'update']]);
      const vendors = sim.store.list('vendors', { companyId }).map((v) => v.id);
      sim.webhooks.setOptions({ faults: { outOfOrderRate: 0.5 } });
      for (let i = 0; i < 4; i++) sim.store.touch('vendors', vendors);
      // Every hold lapses before the first delivery goes out, as in a backlog longer than the hold.
      sim.clock.advance(61_000);
      await sim.webhooks.settle();
      const sent = sim.webhooks.deliveries(hookId).sort((a, b) => a.sentSeq! - b.sentSeq!);
      const held = sent.filter((d) => d.heldBack);
      expect(held.length).toBeGreaterThan(0);
      // Each held delivery went out after the delivery that followed it in the hook's queue.
      for (const d of held) {
        const next = sent.find((other) => other.id > d.id && !other.heldBack);
        if (next) expect(next.sentSeq!).toBeLessThan(d.sentSeq!);
      }
      expect(receiver.received.map((r) => r.event.id)).not.toEqual(sent.map((d) => d.event.id).sort((a, b) => a - b));
    });
  });
});
