// A FIFO push queue: messages of one group are applied in order; when one fails transiently, the
// rest of ITS group in the batch is not applied (and goes back with it), other groups carry on.
// A permanent failure is dead-lettered (to the FIFO DLQ, same group) and its group carries on.
// Upserts of different groups run side by side share a batch upsert (/sync) call, one record of a
// group per call (Procore documents no order for the items of one call), so each group keeps its order.
import { bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({ fifo: true });
});

afterAll(async () => {
  await h?.close();
});

describe('push: FIFO message groups', () => {
  it('fails the rest of a group after a transient failure and lets other groups carry on', async () => {
    const { companyId, projectId, sim } = h;
    const contract = (id: string) => ({
      version: 1,
      id,
      companyId,
      projectId,
      resource: 'work_order_contracts',
      operation: 'create',
      originId: `WOC-${id}`,
      data: { title: `Contract ${id}` },
    });
    // a-2 is a vendor update, the one request that fails in this test: every connection drops, the
    // client's own retries run out, and the message is retried. (A create that got no answer would
    // not be: Procore may have made it, see push-create-once.test.ts.)
    const vendor = sim.store.list('vendors', { companyId })[0]!;
    const a2 = { version: 1, id: 'a-2', companyId, resource: 'vendors', operation: 'update', procoreId: vendor.id, data: { name: 'FIFO vendor a-2' } };
    const groupA = [contract('a-1'), a2, contract('a-3')];
    // b-2 lacks the project a work order contract needs: permanent, dead-lettered.
    const groupB = [contract('b-1'), { ...contract('b-2'), projectId: undefined }, contract('b-3')];
    const bodies = groupA.flatMap((a, i) => [a, groupB[i]!]); // a-1 b-1 a-2 b-2 a-3 b-3
    await h.send(bodies, { groupId: (i) => (i % 2 === 0 ? 'group-a' : 'group-b') });
    sim.setFaults({ dropConnectionRate: 1, only: (req) => req.method === 'PATCH' && req.path.endsWith(`/vendors/${vendor.id}`) });

    const batch = await h.play({ batchSize: 10, timeoutMs: 10_000 });
    expect(batch.messages.map((m) => m.Body)).toEqual(bodies.map(bodyOf));

    // a-2 failed, a-3 was held back behind it; group b went on past its dead-lettered b-2.
    expect(batch.failed).toEqual([batch.messageIdOf(bodyOf(groupA[1])), batch.messageIdOf(bodyOf(groupA[2]))]);
    const titles = sim.store.list('work_order_contracts', { companyId, projectId }).map((w) => w.title);
    expect(titles).toEqual(expect.arrayContaining(['Contract a-1', 'Contract b-1', 'Contract b-3']));
    expect(titles).not.toContain('Contract a-3');
    // Creates with originId go through the contracts' sync (create-or-update by origin_id): a-1 and
    // b-1 (first of their groups) share one call, b-3 has its own (a-3 was held back).
    expect(
      sim
        .requests()
        .filter((r) => r.path.endsWith('/work_order_contracts/sync'))
        .map((r) => `${r.method} ${r.status}`),
    ).toEqual(['PATCH 200', 'PATCH 200']);
    expect(sim.countRequests((r) => r.method === 'POST' && r.path.endsWith('/work_order_contracts'))).toBe(0);

    const dead = await h.deadLetters();
    expect(dead.map((d) => d.body)).toEqual([bodyOf(groupB[1])]);
    expect(dead[0]?.reason).toMatchObject({ errorClass: 'SchemaInvalid' });
    expect(dead[0]?.reason.message).toContain('projectId: required');

    // a-2 and a-3 come back, in order, once Procore is up again.
    sim.setFaults(undefined);
    const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    for (const m of batch.messages.filter((x) => batch.failed.includes(x.MessageId!))) {
      await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.push, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    }
    const retry = await h.play({ batchSize: 10, timeoutMs: 3000 });
    expect(retry.messages.map((m) => m.Body)).toEqual([bodyOf(groupA[1]), bodyOf(groupA[2])]);
    expect(retry.failed).toEqual([]);
    expect(sim.store.list('work_order_contracts', { companyId, projectId }).map((w) => w.title)).toContain('Contract a-3');
    expect(sim.store.get('vendors', vendor.id)?.name).toBe('FIFO vendor a-2');
  });

  it("sends upserts of different groups in one /sync call, one record of a group per call, keeping each group's order", async () => {
    const { companyId, sim } = h;
    const upsert = (id: string, originId: string, name: string) => ({
      version: 1,
      id,
      companyId,
      resource: 'vendors',
      operation: 'upsert',
      originId,
      data: { name },
    });
    const a1 = upsert('fs-a1', 'FIFO-SYNC-1', 'First Name');
    const a2 = upsert('fs-a2', 'FIFO-SYNC-2', 'Second Vendor');
    // A create without originId is a plain POST (a create with one would join the /sync run).
    const a3 = { version: 1, id: 'fs-a3', companyId, resource: 'vendors', operation: 'create', data: { name: 'Created Between' } };
    const a4 = upsert('fs-a4', 'FIFO-SYNC-1', 'Renamed After');
    const b1 = upsert('fs-b1', 'FIFO-SYNC-4', 'Other Group');
    const bodies = [a1, b1, a2, a3, a4];
    await h.send(bodies, { groupId: (i) => (i === 1 ? 'group-b' : 'group-a') });
    sim.clearRequests();

    const batch = await h.play({ batchSize: 10 });
    expect(batch.messages.map((m) => m.Body)).toEqual(bodies.map(bodyOf));
    expect(batch.failed).toEqual([]);
    // a1+b1 (the first of each group) share one call; a2 has its own after it; the create a3 comes
    // next, then a4 in a call of its own.
    const writes = sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /api/rest/v1.0/vendors/sync',
      'PATCH /api/rest/v1.0/vendors/sync',
      'POST /api/rest/v1.0/vendors',
      'PATCH /api/rest/v1.0/vendors/sync',
    ]);
    const byOrigin = new Map(sim.store.list('vendors', { companyId }).map((v) => [v.origin_id, v.name]));
    expect(['FIFO-SYNC-1', 'FIFO-SYNC-2', 'FIFO-SYNC-4'].map((o) => byOrigin.get(o))).toEqual(['Renamed After', 'Second Vendor', 'Other Group']);
    expect(sim.store.list('vendors', { companyId }).filter((v) => v.name === 'Created Between')).toHaveLength(1);
    const results = (await h.results()).filter((r) => r.id?.startsWith('fs-'));
    expect(results.map((r) => `${r.id} ${r.status}`).sort()).toEqual(['fs-a1', 'fs-a2', 'fs-a3', 'fs-a4', 'fs-b1'].map((id) => `${id} applied`));
  });

  it('shares /sync calls between groups round by round: calls per batch = the longest group run, each group in order', async () => {
    const { companyId, sim } = h;
    const upsert = (group: string, k: number) => ({
      version: 1,
      id: `round-${group}-${k}`,
      companyId,
      resource: 'vendors',
      operation: 'upsert',
      originId: `ROUND-${group}`,
      data: { name: `Round ${group} ${k}` },
    });
    // Groups a and c write their vendor twice, b once, interleaved as producers would send them.
    const sent = [upsert('a', 1), upsert('b', 1), upsert('c', 1), upsert('a', 2), upsert('c', 2)];
    await h.send(sent, { groupId: (i) => `round-${sent[i]!.originId.slice(-1)}` });
    sim.clearRequests();
    // What the simulator writes, in the order it writes it (its /sync applies items in order).
    const written: string[] = [];
    const noteName = (fields: Record<string, unknown>) => {
      if (typeof fields.name === 'string' && fields.name.startsWith('Round ')) written.push(fields.name);
    };
    const { store } = sim;
    const originalUpdate = store.update.bind(store);
    const originalInsert = store.insert.bind(store);
    const update = jest.spyOn(store, 'update').mockImplementation((resource, id, fields, at) => {
      noteName(fields);
      return originalUpdate(resource, id, fields, at);
    });
    const insert = jest.spyOn(store, 'insert').mockImplementation((resource, scope, fields, at) => {
      noteName(fields);
      return originalInsert(resource, scope, fields, at);
    });
    try {
      const batch = await h.play({ batchSize: 10 });
      expect(batch.failed).toEqual([]);
    } finally {
      update.mockRestore();
      insert.mockRestore();
    }
    // Round 1: a1, b1, c1 in one call; round 2: a2, c2 in the next.
    expect(sim.countRequests((r) => r.path.endsWith('/vendors/sync'))).toBe(2);
    expect(written.filter((name) => name.startsWith('Round a'))).toEqual(['Round a 1', 'Round a 2']);
    expect(written.filter((name) => name.startsWith('Round c'))).toEqual(['Round c 1', 'Round c 2']);
    const byOrigin = new Map(sim.store.list('vendors', { companyId }).map((v) => [v.origin_id, v.name]));
    expect(['ROUND-a', 'ROUND-b', 'ROUND-c'].map((o) => byOrigin.get(o))).toEqual(['Round a 2', 'Round b 1', 'Round c 2']);
  });
});
