// One job per scope, enforced: two jobs of one scope at once (the second enqueued by a planner run
// after the first one's lease ran out). The lease fences every checkpoint and cursor write, so only
// the job holding it moves the cursor; the other stops without writing, having delivered at most the
// page in flight; the cursor never moves back.
import { readCheckpoint } from '../../functions/pull/state/checkpoint';
import { readCursor } from '../../functions/pull/state/cursor';
import { acquireLease } from '../../functions/pull/state/lease';
import { listSyncState } from '../../functions/pull/state/status';
import { enqueueSyncJobs } from '../../functions/pull/sync-jobs-queue';
import type { SyncJob } from '../../functions/pull/sync-job';
import { rfisOfOneProject, usePullHarness, type ReceivedRecord } from './support/pull-harness';

const PER_PAGE = 5;
const PAGES = 10;
const LEASE_SECONDS = 1;

const h = usePullHarness({ ...rfisOfOneProject(PER_PAGE * PAGES, PER_PAGE), env: { SYNC_LEASE_SECONDS: String(LEASE_SECONDS) } });

const scope = () => h.projectScope('rfis');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every record of the scope arrived; how many arrived more than once. */
function duplicates(received: ReceivedRecord[]): number {
  const ids = received.map((r) => r.envelope.id);
  expect(new Set(ids)).toEqual(new Set(h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId }).map((r) => r.id)));
  return ids.length - new Set(ids).size;
}

/** Samples the cursor until stopped: the sequence of (cursor, lastPull job) it went through. */
function watchCursor(): { stop(): Promise<{ cursor: string; jobId: string }[]> } {
  const seen: { cursor: string; jobId: string }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = await readCursor(h.table, scope());
      const last = seen[seen.length - 1];
      if (now && (now.cursor !== last?.cursor || now.lastPull?.jobId !== last?.jobId)) seen.push({ cursor: now.cursor, jobId: now.lastPull?.jobId ?? '' });
      await sleep(20);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

it('two jobs started together: the one without the lease stops at once, the other moves the cursor', async () => {
  const { windowEnd } = h.changeAllAtOnce('rfis');
  const watch = watchCursor();
  const received = await h.collectRecords(async () => {
    await h.plan(windowEnd); // job A, under a lease
    // A's lease ran out before A ran (it stays in the queue): a planner run leases the scope for B and enqueues it.
    const jobB: SyncJob = { version: 1, jobId: 'job-b', ...h.projectScope('rfis'), windowEnd, initialLookbackDays: 3650 };
    expect(await acquireLease(h.table, scope(), jobB.jobId, { durationMs: 3600_000, now: Date.now() + 24 * 3600_000 })).toBe(true);
    await enqueueSyncJobs(h.sqs, h.queues.jobs, [jobB]);
    const invocations = await h.drainJobs({ lanes: 2 }); // both at once
    expect(invocations).toEqual([
      { jobs: 1, failures: 0 },
      { jobs: 1, failures: 0 },
    ]);
  });
  const cursors = await watch.stop();
  expect(duplicates(received)).toBe(0);
  expect(cursors).toEqual([{ cursor: windowEnd, jobId: 'job-b' }]);
  await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd, lastPull: { jobId: 'job-b', records: PER_PAGE * PAGES } });
  expect((await listSyncState(h.table, h.companyId)).map((item) => item.kind)).toEqual(['cursor']);
});

it('a job whose lease ran out mid-window is fenced out: the new job adopts its checkpoint, at most one page twice', async () => {
  const { windowEnd } = h.changeAllAtOnce('rfis');
  h.sim.setLatency({ min: 30, max: 30 });
  const watch = watchCursor();
  const listCalls = () => h.sim.countRequests((r) => r.path.endsWith('/rfis'));
  const callsBefore = listCalls();
  const logBefore = h.sim.requests().length;
  let jobA = '';
  const received = await h.collectRecords(async () => {
    await h.plan(windowEnd);
    const first = h.invokeWorker();
    // A delivers a few pages; then a Procore call of A hangs past its lease.
    for (let saved = await readCheckpoint(h.table, scope()); !saved || saved.nextPage < 3; saved = await readCheckpoint(h.table, scope())) await sleep(20);
    jobA = (await readCheckpoint(h.table, scope()))!.jobId;
    h.sim.setLatency({ min: 3000, max: 3000 });
    await sleep(LEASE_SECONDS * 1000 + 300);
    h.sim.setLatency({ min: 30, max: 30 });
    await h.plan(windowEnd); // the lease has expired: this run leases the scope for job B
    const second = await h.invokeWorker();
    expect(second).toEqual({ jobs: 1, failures: 0 });
    // A's call comes back; A delivers that page, cannot checkpoint it, and stops (its message is done).
    await expect(first).resolves.toEqual({ jobs: 1, failures: 0 });
  });
  h.sim.setLatency(undefined);
  const cursors = await watch.stop();
  expect(duplicates(received)).toBeLessThanOrEqual(PER_PAGE);
  // The cursor moved once, forward, by B; A never wrote it.
  const changes = cursors.slice(1);
  expect(changes).toHaveLength(1);
  expect(changes[0]!.cursor).toBe(windowEnd);
  expect(changes[0]!.jobId).not.toBe(jobA);
  expect(Date.parse(changes[0]!.cursor)).toBeGreaterThan(Date.parse(cursors[0]!.cursor));
  // B went on from A's checkpoint (not page 1): it delivered only the rest, and each page was read
  // once, but for the one A was reading when its lease ran out. (Every record changed in one second:
  // the window walk pages that second's slice; its other reads find where that second is.)
  const { lastPull } = (await readCursor(h.table, scope()))!;
  expect(lastPull!.records).toBeLessThanOrEqual((PAGES - 2) * PER_PAGE);
  const pageReads = h.sim
    .requests()
    .slice(logBefore)
    .filter((r) => r.path.endsWith('/rfis') && r.query.page !== '1');
  const crowded = pageReads.filter((r) => r.query['filters[updated_at]'] === pageReads[0]!.query['filters[updated_at]']);
  expect(crowded.length).toBeLessThanOrEqual(PAGES - 1 + 1);
  expect(new Set(crowded.map((r) => r.query.page)).size).toBe(PAGES - 1);
  expect(listCalls() - callsBefore).toBeLessThanOrEqual(PAGES + 6);
  expect((await listSyncState(h.table, h.companyId)).map((item) => item.kind)).toEqual(['cursor']);
});
