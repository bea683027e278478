// A worker short of time hands the rest of its scope to a continuation job: same window, next page.
// The Lambda context's remaining time is driven by how many pages the invocation has read.
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { eventTime, queueDepth, startPullHarness, type PullHarness, type ReceivedRecord } from './support/pull-harness';

const RECORDS = 100;
const PER_PAGE = 20;

jest.setTimeout(60_000);

let h: PullHarness;
let projectId: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { maxPerPage: PER_PAGE, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: RECORDS, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  });
  projectId = h.sim.store.projects(h.companyId)[0]!.id;
});

afterAll(async () => {
  await h?.close();
});

const listCalls = () => h.sim.countRequests((r) => r.path.endsWith('/rfis'));

/** A context whose remaining time drops below the worker's hand-over margin after `pages` list calls. */
function contextExpiringAfter(pages: number): () => Context {
  return () => {
    const start = listCalls();
    const context = lambdaContext({ timeoutMs: 600_000, functionName: 'worker' });
    context.getRemainingTimeInMillis = () => (listCalls() - start >= pages ? 1_000 : 600_000);
    return context;
  };
}

function idsOf(received: ReceivedRecord[]): number[] {
  return received.map((r) => r.envelope.id!);
}

const scope = () => ({ companyId: h.companyId, projectId, resource: 'rfis' as const });

describe('pull: checkpoints and continuations', () => {
  it('spreads one scope over several invocations without losing or repeating a record', async () => {
    const windowEnd = eventTime(h.sim.clock.now());
    const context = contextExpiringAfter(2);
    const firstInvocation = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.invokeWorker({ context });
    });
    expect(firstInvocation).toHaveLength(2 * PER_PAGE);
    // Not done: the cursor has not moved, the position is saved, a continuation is queued.
    await expect(readCursor(h.table, scope())).resolves.toBeUndefined();
    const state = await listSyncState(h.table, h.companyId);
    expect(state.find((item) => item.kind === 'checkpoint')).toMatchObject({ nextPage: 3, windowEnd, recordsSoFar: 2 * PER_PAGE });
    expect(state.find((item) => item.kind === 'lease')).toBeDefined();
    expect(await queueDepth(h.sqs, h.queues.jobs)).toBe(1);

    let invocations = 0;
    const rest = await h.collectRecords(async () => {
      invocations = (await h.drainJobs({ lanes: 1, context })).length;
    });
    expect(invocations).toBe(2); // pages 3-4, then page 5
    const all = [...idsOf(firstInvocation), ...idsOf(rest)];
    expect(all).toHaveLength(RECORDS);
    expect(new Set(all)).toEqual(new Set(h.sim.store.list('rfis', { companyId: h.companyId, projectId }).map((r) => r.id)));

    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
    const after = await listSyncState(h.table, h.companyId);
    expect(after.map((item) => item.kind)).toEqual(['cursor']);
  });

  it('loses nothing when records leave the window between invocations (re-reads at most a page)', async () => {
    h.sim.clock.advance(3600_000);
    // Every record changed since the last pull, so this pull's window holds all of them.
    const rows = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
    h.sim.store.touch('rfis', rows.map((r) => r.id));
    h.sim.clock.advance(60_000);
    const windowEnd = eventTime(h.sim.clock.now());
    const context = contextExpiringAfter(2);
    const first = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.invokeWorker({ context });
    });
    expect(first).toHaveLength(2 * PER_PAGE);

    // Three records already delivered (page 1) change again after windowEnd and drop out of the
    // window: every later record slides back three places, three of them onto page 2.
    h.sim.clock.advance(60_000);
    h.sim.store.touch('rfis', rows.slice(0, 3).map((r) => r.id));

    const rest = await h.collectRecords(async () => {
      await h.drainJobs({ lanes: 1, context });
    });
    const all = [...idsOf(first), ...idsOf(rest)];
    expect(new Set(all)).toEqual(new Set(rows.map((r) => r.id)));
    expect(all.length - RECORDS).toBeLessThanOrEqual(PER_PAGE);
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
  });

  it('a job whose worker died mid-scope resumes after the last page it delivered', async () => {
    h.sim.clock.advance(3600_000);
    const rows = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
    h.sim.store.touch('rfis', rows.map((r) => r.id));
    h.sim.clock.advance(60_000);
    const windowEnd = eventTime(h.sim.clock.now());
    // Procore starts failing after a few pages: the worker gives up on the job after its retries and
    // the job message comes back, as it would after a crash, a kill or a timeout.
    let rfiCalls = 0;
    h.sim.setFaults({ serverErrorRate: 1, only: (r) => r.path.endsWith('/rfis') && ++rfiCalls > 3 });
    const first = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      const failed = await h.invokeWorker({ visibilityTimeout: 1 });
      expect(failed).toMatchObject({ jobs: 1, failures: 1 });
    });
    const pagesDelivered = first.length / PER_PAGE;
    expect(pagesDelivered).toBeGreaterThanOrEqual(2);
    h.sim.setFaults(undefined);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const callsBefore = listCalls();
    const rest = await h.collectRecords(() => h.drainJobs({ lanes: 1 }));
    // Only the pages not delivered yet: nothing delivered is read again, nothing is lost.
    expect(listCalls() - callsBefore).toBe(RECORDS / PER_PAGE - pagesDelivered);
    const all = [...idsOf(first), ...idsOf(rest)];
    expect(all).toHaveLength(RECORDS);
    expect(new Set(all)).toEqual(new Set(rows.map((r) => r.id)));
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
    expect((await listSyncState(h.table, h.companyId)).map((item) => item.kind)).toEqual(['cursor']);
  });
});
