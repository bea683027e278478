// Addressing records by the upstream key: the origin map for resources Procore keeps no origin_id
// on, Procore's own origin_id otherwise; and the operations a resource does not support.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { originMapKey, PushOriginMap } from '../../functions/push/state/origin-map';
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
    const create = {
      version: 1,
      id: 'woc-9-create',
      companyId,
      projectId,
      resource: 'work_order_contracts',
      operation: 'create',
      originId: 'ERP-WOC-9',
      data: { title: 'Doomed subcontract' },
    };
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
    expect(
      sim
        .requests()
        .filter((r) => r.method === 'DELETE')
        .map((r) => `${r.path} ${r.status}`),
    ).toEqual([`/api/rest/v1.0/work_order_contracts/${created.id} 204`]);
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

describe('push: a write lands only on the record the message addresses (issue 13, rule 1)', () => {
  const vendorNamed = (name: string) => h.sim.store.list('vendors', { companyId: h.companyId }).filter((v) => v.name === name);
  const originMapEntry = async (originId: string) =>
    (await h.db.send(new GetCommand({ TableName: h.tableName, Key: originMapKey({ companyId: h.companyId, resource: 'vendors', originId }) }))).Item;

  it('refuses an upsert by originId whose data names another vendor by id: that vendor is untouched', async () => {
    const { companyId } = h;
    const other = h.sim.store.list('vendors', { companyId })[0]!;
    const before = { ...other };
    const upsert = {
      version: 1,
      id: 'addr-data-id',
      companyId,
      resource: 'vendors',
      operation: 'upsert',
      originId: 'ERP-DATA-ID',
      data: { name: 'Redirected Vendor', id: other.id },
    };
    await h.send([upsert]);
    expect((await h.play()).failed).toEqual([]);
    expect(h.sim.store.get('vendors', other.id)).toMatchObject({ name: before.name, origin_id: before.origin_id ?? null });
    expect(vendorNamed('Redirected Vendor')).toEqual([]);
    const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(upsert));
    expect(dead?.reason).toMatchObject({ errorClass: 'SchemaInvalid' });
    expect(dead?.reason.message).toContain('data.id: names a record while the message addresses one by originId');
  });

  it('refuses procoreId and originId that name different records (single and /sync paths): nothing written, the map keeps its record', async () => {
    const { companyId, sim } = h;
    const mine = { version: 1, id: 'addr-pair-1', companyId, resource: 'vendors', operation: 'upsert', originId: 'ERP-PAIR', data: { name: 'Pair Owner' } };
    await h.send([mine]);
    expect((await h.play()).failed).toEqual([]);
    const owner = vendorNamed('Pair Owner')[0]!;
    expect(await originMapEntry('ERP-PAIR')).toMatchObject({ procoreId: owner.id });

    const stranger = sim.store.list('vendors', { companyId }).find((v) => v.id !== owner.id && v.origin_id !== 'ERP-PAIR')!;
    const strangerName = stranger.name;
    const update = {
      version: 1,
      id: 'addr-pair-2',
      companyId,
      resource: 'vendors',
      operation: 'update',
      procoreId: stranger.id,
      originId: 'ERP-PAIR',
      data: { name: 'Hijacked' },
    };
    const upsert = { ...update, id: 'addr-pair-3', operation: 'upsert' };
    sim.clearRequests();
    await h.send([update, upsert]);
    expect((await h.play()).failed).toEqual([]);

    expect(sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/rest'))).toEqual([]);
    expect(sim.store.get('vendors', stranger.id)?.name).toBe(strangerName);
    expect(sim.store.get('vendors', owner.id)?.name).toBe('Pair Owner');
    expect(await originMapEntry('ERP-PAIR')).toMatchObject({ procoreId: owner.id, messageId: 'addr-pair-1' });
    const dead = new Map((await h.deadLetters()).map((d) => [d.body, d.reason]));
    for (const message of [update, upsert]) {
      expect(dead.get(bodyOf(message))).toMatchObject({ errorClass: 'AddressConflict' });
      expect(dead.get(bodyOf(message))?.message).toContain(`procoreId ${stranger.id} and originId "ERP-PAIR" name different vendors records`);
    }
  });

  it('never re-points the origin map, even when two writes race past the check', async () => {
    const map = new PushOriginMap({ ddb: h.db, tableName: h.tableName });
    const key = { companyId: h.companyId, resource: 'vendors' as const, originId: 'ERP-RACE' };
    await map.put(key, { procoreId: 11, projectId: null, messageId: 'race-1' });
    await map.put(key, { procoreId: 11, projectId: null, messageId: 'race-2' });
    await expect(map.put(key, { procoreId: 12, projectId: null, messageId: 'race-3' })).rejects.toMatchObject({
      errorClass: 'AddressConflict',
      message: expect.stringContaining('maps to vendors record 11, not 12'),
    });
    expect(await map.get(key)).toMatchObject({ procoreId: 11, messageId: 'race-2' });
  });
});
