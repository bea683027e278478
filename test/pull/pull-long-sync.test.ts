// Long syncs finish: one scope of 41 pages, each worker invocation short of time after one read, so
// the job takes 40 and more continuations through the sync-jobs queue that triggers the worker. Every
// record changed in the same second, so the window walk (functions/pull/window-walk.ts) finds that
// second in a few reads and pages it: 41 pages, resumed mid-second by each continuation. Played by
// the local event source player, which applies Lambda's recursive loop detection (16 invocations
// per chain under Terminate). MAX_CONTINUATIONS is raised here (as a stack with recursiveLoop Allow
// would); pull-long-sync-bounded.test.ts runs the default bound.
import { receiveMessages } from '../../local/sqs-event-source';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { rfisOfOneProject, usePullHarness, type ReceivedRecord } from './support/pull-harness';
import { playWorker } from './support/play-worker';

const PER_PAGE = 5;
const PAGES = 41;
const LEASE_SECONDS = 2;

const h = usePullHarness(
  { ...rfisOfOneProject(PER_PAGE * PAGES, PER_PAGE), env: { MAX_CONTINUATIONS: '50', SYNC_LEASE_SECONDS: String(LEASE_SECONDS) } },
  120_000,
);

const scope = () => h.projectScope('rfis');

const rfiListCalls = () => h.sim.countRequests((r) => r.path.endsWith('/rfis'));
const play = (recursiveLoop: 'Allow' | 'Terminate') => playWorker(h, { recursiveLoop, pagesPerInvocation: 1, isListCall: (path) => path.endsWith('/rfis') });

/** Every record of the window once: nothing lost, nothing twice. */
function expectEachRecordOnce(received: ReceivedRecord[]): void {
  const ids = received.map((r) => r.envelope.id);
  const inProcore = h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId }).map((r) => r.id);
  expect(new Set(ids)).toEqual(new Set(inProcore));
  expect(ids).toHaveLength(inProcore.length);
}

describe('a job of 40 continuations', () => {
  it('completes in one chain when the worker allows recursion (recursiveLoop Allow)', async () => {
    const { windowEnd } = h.changeAllAtOnce('rfis');
    const callsBefore = rfiListCalls();
    let outcome;
    const received = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      outcome = await play('Allow');
    });
    // One read per invocation: a few find the second, then its 41 pages; then the removal pass. One chain.
    const reads = rfiListCalls() - callsBefore;
    expect(reads).toBeGreaterThanOrEqual(PAGES);
    expect(reads).toBeLessThanOrEqual(PAGES + 4);
    expect(outcome).toMatchObject({ invocations: reads + 1, deepestChain: reads + 1, recursionStopped: 0, drained: true });
    expectEachRecordOnce(received);
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: windowEnd });
    expect((await listSyncState(h.table, h.companyId)).map((item) => item.kind)).toEqual(['cursor']);
  });

  it('cut by Lambda after 16 invocations (Terminate, no own bound), resumes from its checkpoint instead of page 1', async () => {
    const { windowEnd } = h.changeAllAtOnce('rfis');
    const callsBefore = rfiListCalls();
    const outcomes: { invocations: number; recursionStopped: number; deepestChain: number }[] = [];
    const received = await h.collectRecords(async () => {
      // Each planner run's job (after the cut job's lease ran out) adopts the checkpoint and goes on.
      for (let run = 0; run < 5 && (await readCursor(h.table, scope()))?.cursor !== windowEnd; run++) {
        if (run > 0) await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 500));
        await h.plan(windowEnd);
        outcomes.push(await play('Terminate'));
      }
    });
    // One read per invocation (a few find the second, then its 41 pages; then the removal pass):
    // chains of 16 that Lambda stopped, moving the job to the DLQ, each next planner run's job going on
    // from the checkpoint.
    const reads = rfiListCalls() - callsBefore;
    expect(reads).toBeGreaterThanOrEqual(PAGES);
    expect(reads).toBeLessThanOrEqual(PAGES + 4);
    const invocations = reads + 1;
    const cut = Math.floor((invocations - 1) / 16);
    expect(outcomes.map((o) => [o.invocations, o.recursionStopped, o.deepestChain])).toEqual([
      ...Array.from({ length: cut }, () => [16, 1, 16]),
      [invocations - 16 * cut, 0, invocations - 16 * cut],
    ]);
    expectEachRecordOnce(received);
    expect(await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { visibilityTimeout: 60 })).toHaveLength(cut);
    expect((await listSyncState(h.table, h.companyId)).map((item) => item.kind)).toEqual(['cursor']);
  });
});
