// Time comes from the clock, not from the event. A scheduled event dated a day ahead (or behind) is
// clamped to Procore's clock by the planner, and a job whose window ends after the time its first
// page was read never moves the cursor past that time: edits made meanwhile arrive with the next run.
import { randomUUID } from 'node:crypto';
import { advanceCursor, readCursor } from '../../functions/pull/state/cursor';
import { enqueueSyncJobs } from '../../functions/pull/sync-jobs-queue';
import { eventTime, startPullHarness, type PullHarness } from './support/pull-harness';
import { simClockRunner } from './support/sim-clock-runner';

const DAY_MS = 24 * 3600_000;

jest.setTimeout(60_000);

let h: PullHarness;
let projectId: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 10, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  });
  projectId = h.sim.store.projects(h.companyId)[0]!.id;
});

afterAll(async () => {
  await h?.close();
});

const scope = () => ({ companyId: h.companyId, projectId, resource: 'rfis' as const });
const cursorMs = async () => Date.parse((await readCursor(h.table, scope()))!.cursor);

/** Pulls once (a planner run for `time`, its jobs), returns the ids delivered. */
async function pull(time?: string): Promise<number[]> {
  const received = await h.collectRecords(async () => {
    await h.plan(time);
    await h.drainJobs({ lanes: 1 });
  });
  return received.map((r) => r.envelope.id!);
}

describe('pull: time comes from the clock', () => {
  it("clamps an event dated a day ahead: the cursor stays at Procore's time and a later edit arrives", async () => {
    const readAt = h.sim.clock.now();
    expect(await pull(eventTime(readAt + DAY_MS))).toHaveLength(10);
    expect(await cursorMs()).toBeLessThanOrEqual(readAt + 2000);

    h.sim.clock.advance(3600_000);
    const edited = h.sim.store.list('rfis', { companyId: h.companyId, projectId })[3]!;
    h.sim.store.update('rfis', edited.id, { subject: 'edited an hour later' });
    h.sim.clock.advance(60_000);
    expect(await pull()).toContain(edited.id);
  });

  it("clamps an event dated a day behind to Procore's time", async () => {
    h.sim.clock.advance(3600_000);
    const now = h.sim.clock.now();
    await pull(eventTime(now - DAY_MS));
    expect(await cursorMs()).toBeGreaterThanOrEqual(now - 60_000);
    expect(await cursorMs()).toBeLessThanOrEqual(now + 2000);
  });

  it('never moves a cursor past the time its window was read, whatever the job says', async () => {
    h.sim.clock.advance(3600_000);
    const readAt = h.sim.clock.now();
    // A job that ends a day ahead, as a planner with a wrong clock (or a hand-made message) would send.
    await enqueueSyncJobs(h.sqs, h.queues.jobs, [
      { version: 1, jobId: randomUUID(), companyId: h.companyId, projectId, resource: 'rfis', windowEnd: eventTime(readAt + DAY_MS) },
    ]);
    await h.collectRecords(() => h.drainJobs({ lanes: 1 }));
    expect(await cursorMs()).toBeLessThanOrEqual(readAt + 2000);

    h.sim.clock.advance(600_000);
    const edited = h.sim.store.list('rfis', { companyId: h.companyId, projectId })[5]!;
    h.sim.store.update('rfis', edited.id, { subject: 'edited after the early job' });
    h.sim.clock.advance(60_000);
    expect(await pull()).toContain(edited.id);
  });

  it('does not trust a cursor an older version left a day ahead: edits made since that pull still arrive', async () => {
    // The planner and worker on the simulator's clock, so the last pull's end is Procore's time too.
    const run = await simClockRunner(h, { companies: 'all', discoveryCompanyId: h.companyId, resources: ['rfis'] });
    h.sim.clock.advance(3600_000);
    const finishedAt = new Date(h.sim.clock.now()).toISOString();
    await advanceCursor(h.table, scope(), eventTime(h.sim.clock.now() + DAY_MS), { jobId: 'older-version', records: 0, claimChecked: 0, pages: 1, finishedAt });
    h.sim.clock.advance(3600_000);
    const edited = h.sim.store.list('rfis', { companyId: h.companyId, projectId })[7]!;
    h.sim.store.update('rfis', edited.id, { subject: 'edited under a cursor from the future' });
    h.sim.clock.advance(60_000);
    const received = await h.collectRecords(async () => {
      await run.plan();
      await run.drain();
    });
    expect(received.map((r) => r.envelope.id)).toContain(edited.id);
  });
});
