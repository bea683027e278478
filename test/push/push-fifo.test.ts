// A FIFO push queue: messages of one group are applied in order; when one fails transiently, the
// rest of ITS group in the batch is not applied (and goes back with it), other groups carry on.
// A permanent failure is dead-lettered (to the FIFO DLQ, same group) and its group carries on.
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
    // a-2 is an RFI create, the one request that fails in this test: the connection drops, and
    // a create Procore cannot recognise when repeated is not retried inside the call (fast failure).
    const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
    const a2 = {
      version: 1,
      id: 'a-2',
      companyId,
      projectId,
      resource: 'rfis',
      operation: 'create',
      data: { subject: 'FIFO RFI a-2', rfi_manager_id: rfiManager, question: { body: 'In order?' } },
    };
    const groupA = [contract('a-1'), a2, contract('a-3')];
    // b-2 lacks the project a work order contract needs: permanent, dead-lettered.
    const groupB = [contract('b-1'), { ...contract('b-2'), projectId: undefined }, contract('b-3')];
    const bodies = groupA.flatMap((a, i) => [a, groupB[i]!]); // a-1 b-1 a-2 b-2 a-3 b-3
    await h.send(bodies, { groupId: (i) => (i % 2 === 0 ? 'group-a' : 'group-b') });
    sim.setFaults({ dropConnectionRate: 1, only: (req) => req.method === 'POST' && req.path.endsWith('/rfis') });

    const batch = await h.play({ batchSize: 10, timeoutMs: 3000 });
    expect(batch.messages.map((m) => m.Body)).toEqual(bodies.map(bodyOf));

    // a-2 failed, a-3 was held back behind it; group b went on past its dead-lettered b-2.
    expect(batch.failed).toEqual([batch.messageIdOf(bodyOf(groupA[1])), batch.messageIdOf(bodyOf(groupA[2]))]);
    const titles = sim.store.list('work_order_contracts', { companyId, projectId }).map((w) => w.title);
    expect(titles).toEqual(expect.arrayContaining(['Contract a-1', 'Contract b-1', 'Contract b-3']));
    expect(titles).not.toContain('Contract a-3');
    // Creates with originId go through the contracts' sync (create-or-update by origin_id), one call each in FIFO order.
    expect(sim.requests().filter((r) => r.path.endsWith('/work_order_contracts/sync')).map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200', 'PATCH 200', 'PATCH 200']);
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
    expect(sim.store.list('rfis', { companyId, projectId }).filter((r) => r.subject === 'FIFO RFI a-2')).toHaveLength(1);
  });
});
