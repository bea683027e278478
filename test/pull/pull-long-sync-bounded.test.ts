// Long syncs finish with the connector's own bound (MAX_CONTINUATIONS at its default, 14, under
// Lambda's 16) while the worker keeps Lambda's default recursive loop setting, Terminate: each chain
// pauses before Lambda would cut it, gives its lease back and says why; the next planner run's job
// adopts the checkpoint. Every record changed in one second (41 pages of it), one read per
// invocation (a few find that second, then its pages): chains of 15 invocations and a last shorter one.
import { receiveMessages } from '../../local/sqs-event-source';
import { DEFAULT_MAX_CONTINUATIONS } from '../../functions/pull/continuation';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { rfisOfOneProject, usePullHarness } from './support/pull-harness';
import { playWorker } from './support/play-worker';

const PER_PAGE = 5;
const PAGES = 41;

const h = usePullHarness(rfisOfOneProject(PER_PAGE * PAGES, PER_PAGE), 120_000);

const scope = () => h.projectScope('rfis');

it('a job of 40 continuations pauses at the bound and is carried on by the next planner runs, nothing lost or repeated', async () => {
  expect(DEFAULT_MAX_CONTINUATIONS).toBe(14);
  const { windowEnd } = h.changeAllAtOnce('rfis');
  const callsBefore = h.sim.countRequests((r) => r.path.endsWith('/rfis'));
  const chains: number[][] = [];
  const kindsAfterRun: string[][] = [];
  const received = await h.collectRecords(async () => {
    for (let run = 0; run < 10 && (await readCursor(h.table, scope()))?.cursor !== windowEnd; run++) {
      await h.plan(windowEnd);
      const outcome = await playWorker(h, { recursiveLoop: 'Terminate', pagesPerInvocation: 1, isListCall: (path) => path.endsWith('/rfis') });
      chains.push([outcome.invocations, outcome.recursionStopped, outcome.deepestChain]);
      const state = await listSyncState(h.table, h.companyId);
      kindsAfterRun.push(state.map((item) => item.kind).sort());
      if (run === 0) {
        expect(state.find((item) => item.kind === 'failure')).toMatchObject({
          errorClass: 'ContinuationLimitReached',
          message: expect.stringMatching(/14 continuations .* resumes from \d{4}-\d\d-\d\dT/),
        });
      }
    }
  });
  const reads = h.sim.countRequests((r) => r.path.endsWith('/rfis')) - callsBefore;
  expect(reads).toBeGreaterThanOrEqual(PAGES);
  expect(reads).toBeLessThanOrEqual(PAGES + 4);
  // One invocation per read, and a last one for the removal pass.
  const invocations = reads + 1;
  const paused = Math.floor((invocations - 1) / 15);
  expect(chains).toEqual([...Array.from({ length: paused }, () => [15, 0, 15]), [invocations - 15 * paused, 0, invocations - 15 * paused]]);
  // Paused: position kept, lease given back (the planner could take the scope at once), reason recorded.
  expect(kindsAfterRun).toEqual([...Array.from({ length: paused }, () => ['checkpoint', 'failure']), ['cursor']]);
  const ids = received.map((r) => r.envelope.id);
  expect(ids).toHaveLength(PER_PAGE * PAGES);
  expect(new Set(ids)).toEqual(new Set(h.sim.store.list('rfis', { companyId: h.companyId, projectId: h.projectId }).map((r) => r.id)));
  expect(await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { visibilityTimeout: 60 })).toHaveLength(0);
});
