// The rate budget as the limit, against the simulator (its clock on real time, so its
// X-Rate-Limit-Reset means the same to the worker's pacer): scopes take turns at a budget smaller
// than the backlog and none is dead-lettered; a budget spent until long after the worker's deadline
// becomes a continuation held back to the reset, with what was delivered checkpointed.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { lambdaContext } from '../../local/lambda-context';
import { DEFAULT_PAGES_PER_TURN } from '../../functions/pull/fair-turn';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { usePullHarness } from './support/pull-harness';

const PER_PAGE = 5;
const PROJECTS = 3;
/** More than a turn's pages per scope. */
const RECORDS = PER_PAGE * (DEFAULT_PAGES_PER_TURN + 5);
const WINDOW_SECONDS = 3;
const BUDGET = 40;

const h = usePullHarness(
  {
    simulator: {
      now: Date.now(),
      maxPerPage: PER_PAGE,
      rateLimit: { hourly: BUDGET, hourlyWindowSeconds: WINDOW_SECONDS, spike: 1000 },
      data: { companies: 1, projectsPerCompany: PROJECTS, recordsPerResource: RECORDS, resources: ['projects', 'rfis'] },
    },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  },
  240_000,
);

async function jobQueueCounts() {
  const { Attributes = {} } = await h.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: h.queues.jobs,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Attributes;
}

/** A bulk edit of every RFI in one second: each scope's pages are then its records ÷ the page size (and a few reads that find that second). */
function touchAllRfis(): void {
  h.sim.clock.advance(60_000);
  for (const project of h.sim.store.projects(h.companyId)) {
    h.sim.store.touch(
      'rfis',
      h.sim.store.list('rfis', { companyId: h.companyId, projectId: project.id }).map((r) => r.id),
    );
  }
  h.sim.clock.advance(1000);
}

async function deadLetters(): Promise<number> {
  const { Attributes = {} } = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: h.queues.jobsDlq, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

it('shares a budget smaller than the backlog between scopes in turns, dead-lettering nothing', async () => {
  touchAllRfis();
  const received = await h.collectRecords(async () => {
    await h.plan();
    // One worker: without turns, each scope would wait for the one before it to finish.
    const invocations = await h.drainJobs({ lanes: 1 });
    expect(invocations.every((i) => i.failures === 0)).toBe(true);
  });
  const rfiLists = h.sim.requests().filter((r) => /\/projects\/\d+\/rfis$/.test(r.path));
  const answered = rfiLists.filter((r) => r.status === 200);
  // The backlog took more than one window of the budget.
  expect(answered.length).toBeGreaterThan(BUDGET);
  const projectOf = (path: string) => path.split('/')[5];
  const firsts = new Map<string, number>();
  const lasts = new Map<string, number>();
  answered.forEach((r, index) => {
    const project = projectOf(r.path)!;
    if (!firsts.has(project)) firsts.set(project, index);
    lasts.set(project, index);
  });
  expect(firsts.size).toBe(PROJECTS);
  // Every scope had its first turn before any scope finished.
  expect(Math.max(...firsts.values())).toBeLessThan(Math.min(...lasts.values()));
  const ids = new Set(received.map((r) => r.envelope.id));
  expect(ids.size).toBe(PROJECTS * RECORDS);
  expect(await deadLetters()).toBe(0);
  for (const projectId of h.sim.store.projects(h.companyId).map((p) => p.id)) {
    await expect(readCursor(h.table, { companyId: h.companyId, projectId, resource: 'rfis' })).resolves.toMatchObject({ cursor: expect.any(String) });
  }
});

it('holds the jobs back to the reset when the budget is spent past their deadline, keeping what they delivered', async () => {
  // An hour's budget of 20 requests: the pacer spreads its second half over the hour, so after a few
  // pages the next slot is minutes away.
  h.sim.setRateLimit({ hourly: 20, spike: 1000 });
  touchAllRfis();
  const received = await h.collectRecords(async () => {
    await h.plan();
    for (let i = 0; i < PROJECTS; i++) {
      // Two minutes left: waiting for the budget does not fit; the job must not fail for it.
      const invocation = await h.invokeWorker({ context: () => lambdaContext({ timeoutMs: 120_000, functionName: 'worker' }) });
      expect(invocation).toEqual({ jobs: 1, failures: 0 });
    }
  });
  // Every job is held back (none visible, none in flight), none dead-lettered or failed.
  expect(await jobQueueCounts()).toEqual({
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: String(PROJECTS),
  });
  expect(await deadLetters()).toBe(0);
  const state = await listSyncState(h.table, h.companyId);
  expect(state.filter((item) => item.kind === 'failure')).toEqual([]);
  // What was delivered is behind the checkpoints the held-back continuations go on from.
  const checkpoints = state.filter((item) => item.kind === 'checkpoint');
  expect(checkpoints).toHaveLength(PROJECTS);
  expect(checkpoints.reduce((sum, c) => sum + Number(c.recordsSoFar), 0)).toBe(received.length);
  expect(received.length).toBeGreaterThan(0);
  expect(received.length).toBeLessThan(RECORDS);
});
