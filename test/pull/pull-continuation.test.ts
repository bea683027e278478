// A worker short of time hands the rest of its scope to a continuation job: same window, from where
// it stopped (the next updated_at slice, or the next page of a crowded second). The Lambda context's
// remaining time is driven by how many list calls the invocation has made.
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { eventTime, queueDepth, rfisOfOneProject, usePullHarness, type ReceivedRecord } from './support/pull-harness';

const RECORDS = 100;
const PER_PAGE = 20;

const h = usePullHarness(rfisOfOneProject(RECORDS, PER_PAGE));

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

/** A context whose remaining time drops below the hand-over margin once page `page` of a list has been read. */
function contextExpiringAfterPage(page: number): () => Context {
  return () => {
    const start = h.sim.requests().length;
    const context = lambdaContext({ timeoutMs: 600_000, functionName: 'worker' });
    context.getRemainingTimeInMillis = () =>
      h.sim
        .requests()
        .slice(start)
        .some((r) => r.path.endsWith('/rfis') && r.query.page === String(page))
        ? 1_000
        : 600_000;
    return context;
  };
}

function idsOf(received: ReceivedRecord[]): number[] {
  return received.map((r) => r.envelope.id!);
}

const scope = () => h.projectScope('rfis');

describe('pull: checkpoints and continuations', () => {
  it('spreads one scope over several invocations without losing or repeating a record', async () => {
    const windowEnd = eventTime(h.sim.clock.now());
    const context = contextExpiringAfter(2);
    const firstInvocation = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.invokeWorker({ context });
    });
    expect(firstInvocation.length).toBeGreaterThan(0);
    expect(firstInvocation.length).toBeLessThan(RECORDS);
    // Not done: the cursor has not moved, the position is saved, a continuation is queued.
    await expect(readCursor(h.table, scope())).resolves.toBeUndefined();
    const state = await listSyncState(h.table, h.companyId);
    const saved = state.find((item) => item.kind === 'checkpoint');
    expect(saved).toMatchObject({ windowEnd, recordsSoFar: firstInvocation.length, nextPage: 1, resumeFrom: expect.any(String) });
    // Everything before the position was delivered; nothing after it.
    const delivered = new Set(idsOf(firstInvocation));
    for (const r of h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId })) {
      if (Date.parse(r.updated_at) < Date.parse(String(saved!.resumeFrom))) expect(delivered.has(r.id)).toBe(true);
      if (Date.parse(r.updated_at) > Date.parse(String(saved!.resumeFrom))) expect(delivered.has(r.id)).toBe(false);
    }
    expect(state.find((item) => item.kind === 'lease')).toBeDefined();
    expect(await queueDepth(h.sqs, h.queues.jobs)).toBe(1);

    let invocations = 0;
    const rest = await h.collectRecords(async () => {
      invocations = (await h.drainJobs({ lanes: 1, context })).length;
    });
    expect(invocations).toBeGreaterThanOrEqual(1);
    const all = [...idsOf(firstInvocation), ...idsOf(rest)];
    expect(all).toHaveLength(RECORDS);
    expect(new Set(all)).toEqual(new Set(h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId }).map((r) => r.id)));

    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
    const after = await listSyncState(h.table, h.companyId);
    expect(after.map((item) => item.kind)).toEqual(['cursor']);
  });

  it('loses nothing when records leave the window between invocations (re-reads at most a page)', async () => {
    // Every record changed since the last pull, in one second: this pull's window holds all of them,
    // more than a page in one second, so the walk pages that second (window-walk.ts).
    const { ids, windowEnd } = h.changeAllAtOnce('rfis');
    // The walk finds that second, delivers its first two pages and hands over.
    const first = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      await h.invokeWorker({ context: contextExpiringAfterPage(2) });
    });
    expect(first).toHaveLength(2 * PER_PAGE);
    expect((await listSyncState(h.table, h.companyId)).find((item) => item.kind === 'checkpoint')).toMatchObject({ nextPage: 3, seenTotal: RECORDS });

    // Three records already delivered (page 1) change again after windowEnd and drop out of the
    // window: every later record slides back three places, three of them onto a page already read.
    h.sim.clock.advance(60_000);
    h.sim.store.touch('rfis', ids.slice(0, 3));

    const rest = await h.collectRecords(async () => {
      await h.drainJobs({ lanes: 1, context: contextExpiringAfter(2) });
    });
    const all = [...idsOf(first), ...idsOf(rest)];
    expect(new Set(all)).toEqual(new Set(ids));
    expect(all.length - RECORDS).toBeLessThanOrEqual(PER_PAGE);
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
  });

  it('a job whose worker died mid-scope resumes after the last page it delivered', async () => {
    const { ids, windowEnd } = h.changeAllAtOnce('rfis');
    // Procore starts failing after page 3 of that second: the worker gives up on the job after its
    // retries and the job message comes back, as it would after a crash, a kill or a timeout.
    h.sim.setFaults({ serverErrorRate: 1, only: (r) => r.path.endsWith('/rfis') && Number(r.query.page) > 3 });
    const first = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      const failed = await h.invokeWorker({ visibilityTimeout: 1 });
      expect(failed).toMatchObject({ jobs: 1, failures: 1 });
    });
    const pagesDelivered = first.length / PER_PAGE;
    expect(pagesDelivered).toBeGreaterThanOrEqual(2);
    h.sim.setFaults(undefined);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const saved = (await listSyncState(h.table, h.companyId)).find((item) => item.kind === 'checkpoint')!;
    const logBefore = h.sim.requests().length;
    const rest = await h.collectRecords(() => h.drainJobs({ lanes: 1 }));
    // It went on from its checkpoint (the page after the last one delivered), not from the window's start:
    // nothing delivered is read again, nothing is lost.
    const resumed = h.sim
      .requests()
      .slice(logBefore)
      .find((r) => r.path.endsWith('/rfis'))!;
    expect(resumed.query['filters[updated_at]']!.split('...')[0]).toBe(saved.resumeFrom);
    expect(Number(resumed.query.page)).toBe(pagesDelivered + 1);
    const all = [...idsOf(first), ...idsOf(rest)];
    expect(all).toHaveLength(RECORDS);
    expect(new Set(all)).toEqual(new Set(ids));
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
    expect((await listSyncState(h.table, h.companyId)).map((item) => item.kind)).toEqual(['cursor']);
  });
});
