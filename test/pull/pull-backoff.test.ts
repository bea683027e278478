// A scope that fails for good backs off instead of costing Procore requests every schedule, and
// comes back by itself when it heals. Here Procore lists a project the app is not permitted in (one
// reading of Procore: an app with company-level access may see it), so its RFIs answer 403 on
// every try; 24 simulated hours of a 15-minute schedule, on the simulator's movable clock.
import { receiveMessages } from '../../local/sqs-event-source';
import { scopeStatuses } from '../../cli/status/scope-status';
import { listSyncState } from '../../functions/pull/state/status';
import { startPullHarness, type PullHarness } from './support/pull-harness';
import { simClockRunner, type SimClockRunner } from './support/sim-clock-runner';

jest.setTimeout(300_000);

let h: PullHarness;
let run: SimClockRunner;
let permitted: number;
let revoked: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 3, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  });
  run = await simClockRunner(h, { companies: 'all', discoveryCompanyId: h.companyId, resources: ['rfis'] });
  [permitted, revoked] = h.sim.store.projects(h.companyId).map((p) => p.id) as [number, number];
  h.sim.store.projectListing = 'all';
  h.sim.store.setProjectPermitted(h.companyId, revoked, false);
});

afterAll(async () => {
  await h?.close();
});

const SCHEDULE_MS = 15 * 60_000;
const requestsFor = (projectId: number) => h.sim.countRequests((r) => r.path.includes(`/projects/${projectId}/`));

describe('pull: a scope that fails for good backs off', () => {
  it('costs at most 10 Procore requests over 24 hours of a 15-minute schedule, and shows its back-off', async () => {
    h.sim.clearRequests();
    let backingOff = 0;
    await h.collectRecords(async () => {
      for (let at = 0; at < 24 * 3600_000; at += SCHEDULE_MS) {
        const plan = await run.plan();
        backingOff += plan.backingOff;
        await run.drain();
        h.sim.clock.advance(SCHEDULE_MS);
      }
    });
    const spent = requestsFor(revoked);
    expect(spent).toBeGreaterThanOrEqual(2);
    expect(spent).toBeLessThanOrEqual(10);
    // Every try answered 403 and went to the jobs DLQ; the healthy project was pulled every run.
    const dead = await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { waitTimeSeconds: 1 });
    expect(dead).toHaveLength(spent);
    expect(requestsFor(permitted)).toBeGreaterThanOrEqual(96);
    expect(backingOff).toBe(96 - spent);
    expect(run.metrics.get('ScopesBackingOff')).toBe(backingOff);

    const status = scopeStatuses(await listSyncState(h.table, h.companyId), h.sim.clock.now()).find((s) => s.projectId === revoked);
    expect(status).toMatchObject({
      failure: { errorClass: 'ProcoreForbidden', httpStatus: 403 },
      backoff: { consecutiveFailures: spent, active: true },
    });
    // Each wait doubles, up to a day.
    expect(Date.parse(status!.backoff!.retryAt) - Date.parse(status!.failure!.failedAt)).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('comes back by itself once the project is permitted again, and the back-off is gone', async () => {
    h.sim.store.setProjectPermitted(h.companyId, revoked, true);
    let delivered = 0;
    let hours = 0;
    for (; hours <= 25 && delivered === 0; hours += 1) {
      const received = await h.collectRecords(async () => {
        await run.plan();
        await run.drain();
      });
      delivered = received.filter((r) => r.envelope.projectId === revoked).length;
      h.sim.clock.advance(3600_000);
    }
    expect(delivered).toBe(3);
    expect(hours).toBeLessThanOrEqual(25);
    const state = await listSyncState(h.table, h.companyId);
    expect(state.filter((item) => item.kind === 'failure')).toEqual([]);
    expect(state.find((item) => item.kind === 'cursor' && item.projectId === revoked)).toBeDefined();
  });
});
