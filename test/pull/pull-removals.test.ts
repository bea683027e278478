// Removed records reach downstream, for every resource, in the way Procore shows each: recycled
// RFIs, submittals and observations (recycle bins), deactivated vendors and users (inactive lists,
// delivered once), a closed project (project status) and its tools (pulled again a day later),
// deleted work order contracts (include_deleted); and a restored record comes back as an update.
import type { ResourceName } from '../../functions/commons/resources/names';
import { RecordEnvelopeSchema } from '../../functions/commons/contracts/record-envelope';
import { listSyncState } from '../../functions/pull/state/status';
import { startPullHarness, type PullHarness, type ReceivedRecord } from './support/pull-harness';
import { simClockRunner, type SimClockRunner } from './support/sim-clock-runner';

jest.setTimeout(120_000);

// The resources whose removals this file plays (the financial ones': test/pull/pull-financial.test.ts).
const RESOURCES: ResourceName[] = ['projects', 'rfis', 'submittals', 'observations', 'vendors', 'company_users', 'work_order_contracts'];

let h: PullHarness;
let run: SimClockRunner;
let open: number;
let closing: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 4, resources: RESOURCES } },
    sync: () => ({ companies: 'all', resources: RESOURCES }),
  });
  run = await simClockRunner(h, { companies: 'all', discoveryCompanyId: h.companyId, resources: RESOURCES });
  [open, closing] = h.sim.store.projects(h.companyId).map((p) => p.id) as [number, number];
  await h.collectRecords(async () => {
    await run.plan();
    await run.drain();
  });
});

afterAll(async () => {
  await h?.close();
});

/** One planner run and its jobs, `minutes` after the last, on the simulator's clock. */
async function pullAfter(minutes: number): Promise<ReceivedRecord[]> {
  h.sim.clock.advance(minutes * 60_000);
  return h.collectRecords(async () => {
    await run.plan();
    await run.drain();
  });
}

const changes = (received: ReceivedRecord[]) => received.map((r) => `${r.envelope.resource} ${r.envelope.id} ${r.envelope.lifecycle}`).sort();
const first = (resource: ResourceName, projectId?: number) =>
  h.sim.store.list(resource, { companyId: h.companyId, ...(projectId === undefined ? {} : { projectId }) })[0]!.id;

describe('pull: removed records', () => {
  const removed: Partial<Record<ResourceName, number>> = {};

  it('delivers each removal as an envelope whose lifecycle says how the record left, one per removal', async () => {
    h.sim.clock.advance(10 * 60_000);
    removed.rfis = first('rfis', open);
    removed.submittals = first('submittals', open);
    removed.observations = first('observations', open);
    removed.vendors = first('vendors');
    removed.company_users = first('company_users');
    removed.work_order_contracts = first('work_order_contracts', open);
    h.sim.store.recycle('rfis', removed.rfis);
    h.sim.store.recycle('submittals', removed.submittals);
    h.sim.store.recycle('observations', removed.observations);
    h.sim.store.deactivate('vendors', removed.vendors);
    h.sim.store.deactivate('company_users', removed.company_users);
    h.sim.store.deleteRecord('work_order_contracts', removed.work_order_contracts);
    h.sim.store.closeProject(closing);

    // Past the next pull's overlap (5 minutes before the cursor), so no removal is read twice below.
    const received = await pullAfter(10);
    expect(changes(received)).toEqual(
      [
        `rfis ${removed.rfis} recycled`,
        `submittals ${removed.submittals} recycled`,
        `observations ${removed.observations} recycled`,
        `vendors ${removed.vendors} inactive`,
        `company_users ${removed.company_users} inactive`,
        `work_order_contracts ${removed.work_order_contracts} deleted`,
        `projects ${closing} inactive`,
      ].sort(),
    );
    for (const r of received) {
      expect(RecordEnvelopeSchema.safeParse(r.envelope).success).toBe(true);
      expect(r.envelope.deleted).toBe(r.envelope.lifecycle === 'recycled' || r.envelope.lifecycle === 'deleted');
      expect(r.attributes.lifecycle).toBe(r.envelope.lifecycle);
    }
    expect(received.find((r) => r.envelope.resource === 'work_order_contracts')?.envelope.data).toMatchObject({ deleted_at: expect.any(String) });
    expect(received.find((r) => r.envelope.resource === 'projects')?.envelope.data).toMatchObject({ id: closing, active: false });

    // What was delivered as inactive is kept, so the next pull does not deliver it again.
    const kept = (await listSyncState(h.table, h.companyId)).filter((item) => item.kind === 'inactive');
    expect(kept.map((item) => [item.resource, item.ids])).toEqual(
      expect.arrayContaining([
        ['vendors', [removed.vendors]],
        ['company_users', [removed.company_users]],
      ]),
    );
    expect(changes(await pullAfter(15))).toEqual([]);
  });

  it('keeps pulling a closed project, once a day', async () => {
    const plan = await run.plan();
    // The closed project's rfis, submittals, observations and work order contracts were pulled minutes ago.
    expect(plan.resting).toBe(4);
    await run.drain();
    h.sim.store.recycle('rfis', first('rfis', closing));
    const recycledInClosed = h.sim.store.removed('rfis').find((r) => r.projectId === closing)!.id;
    // Within the day the closed project's tools rest; past a day since their last pull they are pulled.
    expect(changes(await pullAfter(60))).toEqual([]);
    expect(changes(await pullAfter(24 * 60))).toEqual([`rfis ${recycledInClosed} recycled`]);
    expect(run.metrics.get('InactiveProjectScopesResting')).toBeGreaterThan(0);
  });

  it('delivers a restored, reactivated or reopened record as a normal update (lifecycle active)', async () => {
    h.sim.clock.advance(10 * 60_000);
    h.sim.store.restore('rfis', removed.rfis!);
    h.sim.store.reactivate('vendors', removed.vendors!);
    h.sim.store.restore('work_order_contracts', removed.work_order_contracts!);
    h.sim.store.reopenProject(closing);
    const received = await pullAfter(10);
    expect(changes(received)).toEqual(
      [
        `rfis ${removed.rfis} active`,
        `vendors ${removed.vendors} active`,
        `work_order_contracts ${removed.work_order_contracts} active`,
        `projects ${closing} active`,
      ].sort(),
    );
    expect(received.every((r) => !r.envelope.deleted)).toBe(true);

    // Deactivated again later: delivered again (the reactivation took it off the kept set).
    h.sim.store.deactivate('vendors', removed.vendors!);
    expect(changes(await pullAfter(10))).toEqual([`vendors ${removed.vendors} inactive`]);
  });

  it('delivers the whole recycle bin and inactive list again on a full resync', async () => {
    const { startSync } = await import('../../cli/sync/start-sync');
    h.sim.clock.advance(60_000);
    const deps = { sqs: h.sqs, table: h.table, jobsQueueUrl: h.queues.jobs, now: () => h.sim.clock.now() };
    await startSync({ companyId: h.companyId, resource: 'vendors', full: true }, deps);
    await startSync({ companyId: h.companyId, projectId: open, resource: 'submittals', full: true }, deps);
    const received = await h.collectRecords(() => run.drain());
    const removals = received.filter((r) => r.envelope.lifecycle !== 'active');
    expect(changes(removals)).toEqual([`submittals ${removed.submittals} recycled`, `vendors ${removed.vendors} inactive`].sort());
  });
});
