// One batch of ten push messages, good and bad, through the real handler: the good ones reach
// Procore (the simulator), permanent failures land in the DLQ at once with their reason and their
// body untouched, the one Procore answered 5xx goes back to the queue, and nothing else fails.
import { appliedIds, bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
});

describe('push: a mixed batch', () => {
  it('applies the valid messages, dead-letters the permanent failures, retries only the 5xx', async () => {
    const { companyId, projectId, sim } = h;
    const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
    const vendorToUpdate = sim.store.insert('vendors', { companyId }, { name: 'Old Name Supply', origin_id: 'ERP-V-1' });
    const submittalToDelete = sim.store.list('submittals', { companyId, projectId })[0]!;

    const messages = {
      createVendor: {
        version: 1,
        id: 'mix-1',
        companyId,
        resource: 'vendors',
        operation: 'create',
        originId: 'ERP-V-2',
        data: { name: 'Mixed Batch Concrete' },
      },
      createRfi: {
        version: 1,
        id: 'mix-2',
        companyId,
        projectId,
        resource: 'rfis',
        operation: 'create',
        originId: 'PM-RFI-1',
        data: { subject: 'Mixed batch RFI', rfi_manager_id: rfiManager, question: { body: 'Which anchor bolts?' } },
      },
      createSubmittal: {
        version: 1,
        id: 'mix-3',
        companyId,
        projectId,
        resource: 'submittals',
        operation: 'create',
        data: { number: 'MB-001', title: 'Mixed batch shop drawings' },
      },
      updateByOriginId: {
        version: 1,
        id: 'mix-4',
        companyId,
        resource: 'vendors',
        operation: 'update',
        originId: 'ERP-V-1',
        data: { name: 'New Name Supply' },
      },
      deleteSubmittal: { version: 1, id: 'mix-5', companyId, projectId, resource: 'submittals', operation: 'delete', procoreId: submittalToDelete.id },
      malformed: '{"version": 1, "id": "mix-6", ',
      schemaInvalid: { version: 1, id: 'mix-7', companyId, resource: 'vendors', operation: 'create' },
      unknownResource: { version: 1, id: 'mix-8', companyId, resource: 'widgets', operation: 'create', data: { name: 'x' } },
      rejectedByProcore: { version: 1, id: 'mix-9', companyId, resource: 'vendors', operation: 'create', data: { name: '  ' } },
      procoreUnavailable: {
        version: 1,
        id: 'mix-10',
        companyId,
        projectId,
        resource: 'work_order_contracts',
        operation: 'create',
        // With originId the create goes through the contracts' /sync, which repeats safely: a 5xx is
        // retried. (A plain POST answered 500/502/504 may have made the record: CreateOutcomeUnknown,
        // see push-create-once.test.ts.)
        originId: 'ERP-WOC-MIX-10',
        data: { title: 'Mixed batch subcontract' },
      },
    };
    sim.setFaults({ serverErrorRate: 1, only: (req) => req.path.endsWith('/rest/v1.0/work_order_contracts/sync') });
    await h.send(Object.values(messages));

    const batch = await h.play({ batchSize: 10, timeoutMs: 4000 });
    expect(batch.messages).toHaveLength(10);

    // Only the 5xx one is reported back to SQS.
    expect(batch.failed).toEqual([batch.messageIdOf(bodyOf(messages.procoreUnavailable))]);
    const fault = sim.requests().filter((r) => r.fault);
    expect(fault.length).toBeGreaterThan(0);
    expect(fault.every((r) => r.fault?.startsWith('server-error') && r.path.endsWith('/work_order_contracts/sync'))).toBe(true);

    // Applied in Procore.
    const vendors = sim.store.list('vendors', { companyId });
    expect(vendors.filter((v) => v.name === 'Mixed Batch Concrete').map((v) => v.origin_id)).toEqual(['ERP-V-2']);
    expect(sim.store.get('vendors', vendorToUpdate.id)?.name).toBe('New Name Supply');
    const rfis = sim.store.list('rfis', { companyId, projectId }).filter((r) => r.subject === 'Mixed batch RFI');
    expect(rfis).toHaveLength(1);
    expect(sim.store.list('submittals', { companyId, projectId }).filter((s) => s.number === 'MB-001')).toHaveLength(1);
    expect(sim.store.list('submittals', { companyId, projectId }).map((s) => s.id)).not.toContain(submittalToDelete.id);
    expect(sim.store.list('work_order_contracts', { companyId, projectId }).filter((w) => w.title === 'Mixed batch subcontract')).toHaveLength(0);

    // Permanent failures: in the DLQ at once, body byte for byte, reason as attributes.
    const dead = await h.deadLetters();
    const byBody = new Map(dead.map((d) => [d.body, d.reason]));
    expect(dead).toHaveLength(4);
    expect(byBody.get(bodyOf(messages.malformed))).toMatchObject({ errorClass: 'InvalidJson', attempts: 1 });
    expect(byBody.get(bodyOf(messages.malformed))?.message).toMatch(/^body is not JSON/);
    expect(byBody.get(bodyOf(messages.schemaInvalid))).toMatchObject({ errorClass: 'SchemaInvalid', attempts: 1 });
    expect(byBody.get(bodyOf(messages.schemaInvalid))?.message).toBe('invalid push message: data: required');
    expect(byBody.get(bodyOf(messages.unknownResource))).toMatchObject({ errorClass: 'UnknownResource' });
    expect(byBody.get(bodyOf(messages.unknownResource))?.message).toContain('unknown resource "widgets"');
    const rejected = byBody.get(bodyOf(messages.rejectedByProcore));
    expect(rejected).toMatchObject({ errorClass: 'ProcoreValidation', httpStatus: 422, attempts: 1 });
    expect(rejected?.message).toMatch(/name/i);
    expect(rejected?.procoreRequestId).toMatch(/^[0-9a-f-]{36}$/);
    const loggedRejection = sim.requests().find((r) => r.status === 422);
    expect(loggedRejection).toBeDefined();

    // The source queue keeps only the 5xx message (in flight until its visibility timeout).
    expect(await h.queueCounts()).toEqual({ visible: 0, inFlight: 1 });

    // Results: one per finished message, none for the one that will be retried.
    const results = await h.results();
    expect(appliedIds(results)).toEqual(['mix-1', 'mix-2', 'mix-3', 'mix-4', 'mix-5']);
    expect(
      results
        .filter((r) => r.status === 'dead_lettered')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['mix-7', 'mix-8', 'mix-9', null].sort());
    const createdVendor = results.find((r) => r.id === 'mix-1');
    expect(createdVendor).toMatchObject({ status: 'applied', resource: 'vendors', operation: 'create', originId: 'ERP-V-2', projectId: null });
    expect(createdVendor?.status === 'applied' && sim.store.get('vendors', createdVendor.procoreId)?.name).toBe('Mixed Batch Concrete');
    expect(results.find((r) => r.id === 'mix-4')).toMatchObject({ procoreId: vendorToUpdate.id });
  });
});
