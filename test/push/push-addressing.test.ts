// Addressing records by the upstream key: the origin map for resources Procore keeps no origin_id
// on, Procore's own origin_id otherwise; and the operations a resource does not support.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { originMapKey } from '../../functions/push/state/origin-map';
import { bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({});
});

afterAll(async () => {
  await h?.close();
});

describe('push: addressing by originId', () => {
  it('upserts an RFI (no origin_id in Procore) by originId: creates it once, then updates that record (also for a repeated create)', async () => {
    const { companyId, projectId, sim } = h;
    const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
    const upsert = (id: string, subject: string) => ({
      version: 1,
      id,
      companyId,
      projectId,
      resource: 'rfis',
      operation: 'upsert',
      originId: 'PM-RFI-77',
      data: { subject, rfi_manager_id: rfiManager, question: { body: 'Which door hardware?' } },
    });
    await h.send([upsert('rfi-77-v1', 'Door hardware v1')]);
    expect((await h.play()).failed).toEqual([]);
    await h.send([upsert('rfi-77-v2', 'Door hardware v2')]);
    expect((await h.play()).failed).toEqual([]);

    const rfis = sim.store.list('rfis', { companyId, projectId }).filter((r) => String(r.subject).startsWith('Door hardware'));
    expect(rfis.map((r) => r.subject)).toEqual(['Door hardware v2']);
    // A create with a key the connector already mapped updates that record too.
    await h.send([{ ...upsert('rfi-77-v3', 'Door hardware v3'), operation: 'create' }]);
    expect((await h.play()).failed).toEqual([]);
    const after = sim.store.list('rfis', { companyId, projectId }).filter((r) => String(r.subject).startsWith('Door hardware'));
    expect(after.map((r) => [r.id, r.subject])).toEqual([[rfis[0]!.id, 'Door hardware v3']]);

    const results = (await h.results()).filter((r) => r.id?.startsWith('rfi-77'));
    expect(results.map((r) => r.status === 'applied' && r.procoreId)).toEqual([rfis[0]!.id, rfis[0]!.id, rfis[0]!.id]);
  });

  it('deletes a work order contract by originId and forgets the key', async () => {
    const { companyId, projectId, sim } = h;
    const create = { version: 1, id: 'woc-9-create', companyId, projectId, resource: 'work_order_contracts', operation: 'create', originId: 'ERP-WOC-9', data: { title: 'Doomed subcontract' } };
    const del = { version: 1, id: 'woc-9-delete', companyId, projectId, resource: 'work_order_contracts', operation: 'delete', originId: 'ERP-WOC-9' };
    await h.send([create]);
    expect((await h.play()).failed).toEqual([]);
    const created = sim.store.list('work_order_contracts', { companyId, projectId }).find((w) => w.origin_id === 'ERP-WOC-9')!;
    const key = originMapKey({ companyId, resource: 'work_order_contracts', originId: 'ERP-WOC-9' });
    const mapped = async () => (await h.db.send(new GetCommand({ TableName: h.tableName, Key: key }))).Item;
    expect(await mapped()).toMatchObject({ procoreId: created.id, projectId, messageId: 'woc-9-create' });
    await h.send([del]);
    expect((await h.play()).failed).toEqual([]);
    expect(sim.store.list('work_order_contracts', { companyId, projectId }).find((w) => w.id === created.id)).toBeUndefined();
    expect(sim.requests().filter((r) => r.method === 'DELETE').map((r) => `${r.path} ${r.status}`)).toEqual([
      `/api/rest/v1.0/work_order_contracts/${created.id} 204`,
    ]);
    expect(await mapped()).toBeUndefined();
  });

  it('dead-letters what cannot be applied: unknown originId, a delete Procore does not offer', async () => {
    const { companyId } = h;
    const missing = { version: 1, id: 'addr-missing', companyId, resource: 'vendors', operation: 'update', originId: 'NOPE-1', data: { name: 'x' } };
    const undeletable = { version: 1, id: 'addr-undeletable', companyId, resource: 'vendors', operation: 'delete', procoreId: 123 };
    const attributes = {
      source: { DataType: 'String', StringValue: 'erp' },
      signature: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
    };
    await h.send([missing, undeletable], { attributes });
    expect((await h.play()).failed).toEqual([]);
    const dead = new Map((await h.deadLetters()).map((d) => [d.body, d.reason]));
    expect(dead.get(bodyOf(missing))).toMatchObject({ errorClass: 'OriginIdNotFound' });
    expect(dead.get(bodyOf(missing))?.message).toContain('"NOPE-1"');
    expect(dead.get(bodyOf(undeletable))).toMatchObject({ errorClass: 'OperationNotSupported' });
    expect(dead.get(bodyOf(undeletable))?.message).toContain('cannot delete vendors');
    // The producer's own message attributes travel along with the failure ones.
    const carried = (await h.deadLetters()).find((d) => d.body === bodyOf(missing))?.attributes;
    expect(carried?.source?.StringValue).toBe('erp');
    expect([...(carried?.signature?.BinaryValue ?? [])]).toEqual([1, 2, 3]);
  });
});
