// Company discovery without a hand-typed company: Procore wants a Procore-Company-Id header even to
// list companies, so the planner asks from what it knows (the configured discoveryCompanyId, then
// the companies its last discovery found, kept in the state table), each in turn; one uninstalled
// company never stops the others. The real planner handler runs with companies "all" and no
// discoveryCompanyId in its SYNC_CONFIG.
import { readDiscoveredCompanies } from '../../functions/pull/state/discovered-companies';
import type { PlanResult } from '../../functions/pull/plan-sync';
import { startPullHarness, type PullHarness } from './support/pull-harness';
import { simClockRunner } from './support/sim-clock-runner';

jest.setTimeout(60_000);

let h: PullHarness;
let first: number;
let second: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 2, projectsPerCompany: 1, recordsPerResource: 2, resources: ['projects', 'rfis', 'vendors'] } },
    sync: () => ({ companies: 'all', resources: ['rfis', 'vendors'] }),
    withoutDiscoveryCompany: true,
  });
  [first, second] = h.sim.store
    .companies()
    .filter((c) => c.installed)
    .map((c) => c.id) as [number, number];
});

afterAll(async () => {
  await h?.close();
});

describe('pull planner: company discovery without a configured company', () => {
  it('fails the very first run with nothing known, naming what to configure', async () => {
    await expect(h.plan()).rejects.toThrow(/no company where the app is installed is known yet: set sync\.discoveryCompanyId/);
    expect(h.sim.countRequests((r) => r.path.startsWith('/api/'))).toBe(0);
  });

  it('remembers the companies a discovery found', async () => {
    // An earlier deployment had discoveryCompanyId set (or an operator set it once).
    const earlier = await simClockRunner(h, { companies: 'all', discoveryCompanyId: first, resources: ['rfis'] });
    await h.collectRecords(async () => {
      await earlier.plan();
      await earlier.drain();
    });
    await expect(readDiscoveredCompanies(h.table)).resolves.toMatchObject({ ids: [first, second], askedFrom: first });
  });

  it("syncs the other company's scopes when the company it asked from last uninstalled the app", async () => {
    h.sim.store.setInstalled(first, false);
    h.sim.clock.advance(15 * 60_000);
    h.sim.store.touch(
      'rfis',
      h.sim.store.list('rfis', { companyId: second }).map((r) => r.id),
    );
    let plan: PlanResult | undefined;
    const received = await h.collectRecords(async () => {
      plan = (await h.plan()) as PlanResult;
      await h.drainJobs();
    });
    expect(plan).toMatchObject({ companies: [second], discoveryFailures: [expect.objectContaining({ companyId: first, status: 403 })] });
    // Only the second company's scopes: its vendors and its project's RFIs.
    expect(new Set(received.map((r) => r.envelope.companyId))).toEqual(new Set([second]));
    expect(received.filter((r) => r.envelope.resource === 'rfis')).toHaveLength(2);
    expect(received.filter((r) => r.envelope.resource === 'vendors')).toHaveLength(2);
    await expect(readDiscoveredCompanies(h.table)).resolves.toMatchObject({ ids: [second], askedFrom: second });
  });

  it('says so when no known company answers', async () => {
    h.sim.store.setInstalled(second, false);
    try {
      await expect(h.plan()).rejects.toThrow(/company discovery failed from every known company \(\d+: .*403.*\); if the app was uninstalled/);
    } finally {
      h.sim.store.setInstalled(second, true);
    }
  });
});
