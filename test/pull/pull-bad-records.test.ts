// One bad record never blocks its scope. Records Procore sends that the worker cannot read (no id,
// an id that is not a number, no updated_at, not an object) arrive downstream as quarantined
// envelopes with the reason, the rest of the scope is delivered and its cursor moves; an id beyond
// 2^53 keeps its exact digits.
import { RecordEnvelopeSchema } from '../../functions/commons/contracts/record-envelope';
import { readCursor } from '../../functions/pull/state/cursor';
import { receiveMessages } from '../../local/sqs-event-source';
import { eventTime, startPullHarness, type PullHarness } from './support/pull-harness';

const RECORDS = 20;
const BIG_ID = '9007199254740993123';

jest.setTimeout(60_000);

let h: PullHarness;
let projectId: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { maxPerPage: 5, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: RECORDS, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  });
  projectId = h.sim.store.projects(h.companyId)[0]!.id;
});

afterAll(async () => {
  await h?.close();
});

describe('pull: records the worker cannot read', () => {
  it('delivers them quarantined with their reason; the scope completes and an id beyond 2^53 keeps its digits', async () => {
    const rows = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
    const [noId, textId, noUpdatedAt, notAnObject, bigId] = rows;
    h.sim.store.setRendering('rfis', noId!.id, ({ id: _id, ...rest }) => rest);
    h.sim.store.setRendering('rfis', textId!.id, (record) => ({ ...record, id: 'RFI-7' }));
    h.sim.store.setRendering('rfis', noUpdatedAt!.id, ({ updated_at: _u, ...rest }) => rest);
    h.sim.store.setRendering('rfis', notAnObject!.id, () => 'not a record');
    h.sim.store.setRendering('rfis', bigId!.id, (record) => ({ ...record, id: JSON.rawJSON(BIG_ID) }));
    const windowEnd = eventTime(h.sim.clock.now());

    const received = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.drainJobs({ lanes: 1 });
    });

    // The scope completed: its cursor moved, no job was dead-lettered.
    await expect(readCursor(h.table, { companyId: h.companyId, projectId, resource: 'rfis' })).resolves.toMatchObject({ cursor: windowEnd });
    expect(await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { waitTimeSeconds: 1 })).toEqual([]);

    expect(received).toHaveLength(RECORDS);
    for (const r of received) expect(RecordEnvelopeSchema.safeParse(r.envelope).success).toBe(true);
    const quarantined = received.filter((r) => r.envelope.lifecycle === 'quarantined');
    expect(quarantined.map((r) => r.attributes.lifecycle)).toEqual(['quarantined', 'quarantined', 'quarantined', 'quarantined']);
    const reasons = quarantined.map((r) => (r.envelope as { quarantine?: { reason: string } }).quarantine?.reason ?? '').sort();
    expect(reasons).toEqual([
      expect.stringMatching(/^id: /),
      expect.stringMatching(/^id: /),
      expect.stringMatching(/not a JSON object/),
      expect.stringMatching(/^updated_at: /),
    ]);
    // What Procore sent travels as it was, so nothing is lost downstream.
    expect(quarantined.map((r) => r.envelope.data)).toEqual(expect.arrayContaining(['not a record', expect.objectContaining({ id: 'RFI-7' })]));

    // The big id: exact digits in the envelope (as a number and as text) and in the record.
    const big = received.find((r) => r.body.includes(BIG_ID))!;
    expect(big.envelope.lifecycle).toBe('active');
    expect(big.body).toContain(`"id":${BIG_ID},`);
    expect(big.body).toContain(`"idText":"${BIG_ID}"`);
    expect(big.body).toMatch(new RegExp(`"data":\\{"id":${BIG_ID},`));
    const others = received.filter((r) => r.envelope.lifecycle === 'active' && r !== big);
    expect(others.map((r) => r.envelope.id).sort()).toEqual(
      rows
        .slice(5)
        .map((r) => r.id)
        .sort(),
    );
  });

  it('keeps delivering on the next run while the bad records stay bad', async () => {
    h.sim.clock.advance(3600_000);
    const rows = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
    h.sim.store.touch('rfis', [rows[0]!.id, rows[10]!.id]);
    h.sim.clock.advance(60_000);
    const windowEnd = eventTime(h.sim.clock.now());
    const received = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.drainJobs({ lanes: 1 });
    });
    await expect(readCursor(h.table, { companyId: h.companyId, projectId, resource: 'rfis' })).resolves.toMatchObject({ cursor: windowEnd });
    expect(received.map((r) => r.envelope.lifecycle).sort()).toEqual(['active', 'quarantined']);
    expect(received.find((r) => r.envelope.lifecycle === 'active')!.envelope.id).toBe(rows[10]!.id);
  });
});
