// Scope failures and overlapping planners: a project that stops being permitted goes to the jobs
// DLQ with its reason while the other scopes complete; planners started together enqueue each
// scope once.
import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import { readFailureAttributes } from '../../functions/commons/queues/dead-letter';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { SyncJobSchema } from '../../functions/pull/sync-job';
import { receiveMessages } from '../../local/sqs-event-source';
import { eventTime, startPullHarness, type PullHarness } from './support/pull-harness';

jest.setTimeout(60_000);

let h: PullHarness;
let projects: number[];

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 3, recordsPerResource: 5, resources: ['projects', 'rfis', 'vendors'] } },
    sync: () => ({ companies: 'all', resources: ['rfis', 'vendors'] }),
  });
  projects = h.sim.store.projects(h.companyId).map((p) => p.id);
});

afterAll(async () => {
  await h?.close();
});

/** Receives every queued job, then makes them visible again for the worker. */
async function peekJobs() {
  const messages = await receiveMessages(h.sqs, h.queues.jobs, 100, { visibilityTimeout: 30 });
  for (let i = 0; i < messages.length; i += 10) {
    await h.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: h.queues.jobs,
        Entries: messages.slice(i, i + 10).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return messages.map((m) => SyncJobSchema.parse(JSON.parse(m.Body!)));
}

const scopeKey = (job: { resource: string; projectId: number | null }) => `${job.resource}#${job.projectId ?? 'company'}`;

describe('pull: failures and overlapping planners', () => {
  it('dead-letters the job of a project that is no longer permitted, with its reason, while the others complete', async () => {
    const windowEnd = eventTime(h.sim.clock.now());
    const revoked = projects[1]!;
    const received = await h.collectRecords(async () => {
      await h.plan(windowEnd);
      // An admin removes the project from the app's permitted projects after the planner ran.
      h.sim.store.setProjectPermitted(h.companyId, revoked, false);
      // All four jobs in one batch: the failure must not fail its neighbours.
      const invocation = await h.invokeWorker({ batchSize: 10 });
      expect(invocation).toEqual({ jobs: 4, failures: 0 });
    });

    const dead = await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { waitTimeSeconds: 1 });
    expect(dead).toHaveLength(1);
    const job = SyncJobSchema.parse(JSON.parse(dead[0]!.Body!));
    expect(job).toMatchObject({ resource: 'rfis', projectId: revoked, companyId: h.companyId, windowEnd });
    expect(readFailureAttributes(dead[0]!.MessageAttributes)).toMatchObject({ errorClass: 'ProcoreForbidden', httpStatus: 403, attempts: 1 });
    expect(dead[0]!.MessageAttributes?.resource?.StringValue).toBe('rfis');

    const state = await listSyncState(h.table, h.companyId);
    expect(state.filter((item) => item.kind === 'failure')).toEqual([
      expect.objectContaining({ resource: 'rfis', projectId: revoked, errorClass: 'ProcoreForbidden', httpStatus: 403, jobId: job.jobId }),
    ]);
    expect(state.filter((item) => item.kind === 'lease')).toEqual([]);
    await expect(readCursor(h.table, { companyId: h.companyId, projectId: revoked, resource: 'rfis' })).resolves.toBeUndefined();

    // The other scopes completed: their records arrived and their cursors moved.
    for (const projectId of projects.filter((p) => p !== revoked)) {
      await expect(readCursor(h.table, { companyId: h.companyId, projectId, resource: 'rfis' })).resolves.toMatchObject({ cursor: windowEnd });
    }
    await expect(readCursor(h.table, { companyId: h.companyId, projectId: null, resource: 'vendors' })).resolves.toMatchObject({ cursor: windowEnd });
    const byScope = new Map<string, number>();
    for (const r of received) byScope.set(scopeKey(r.envelope), (byScope.get(scopeKey(r.envelope)) ?? 0) + 1);
    expect(Object.fromEntries(byScope)).toEqual({
      [`rfis#${projects[0]}`]: 5,
      [`rfis#${projects[2]}`]: 5,
      'vendors#company': 5,
    });
  });

  it('enqueues each scope once when two planners run together, and again once the jobs are done', async () => {
    h.sim.clock.advance(15 * 60_000);
    const time = eventTime(h.sim.clock.now());
    const results = (await Promise.all([h.plan(time), h.plan(time)])) as { enqueued: number; leased: number }[];
    // The revoked project is no longer listed: two rfis scopes and the company's vendors.
    expect(results.map((r) => r.enqueued).reduce((a, b) => a + b)).toBe(3);
    expect(results.map((r) => r.leased).reduce((a, b) => a + b)).toBe(3);
    const jobs = await peekJobs();
    expect(jobs.map(scopeKey).sort()).toEqual([`rfis#${projects[0]}`, `rfis#${projects[2]}`, 'vendors#company'].sort());

    // A planner run while those jobs are still queued adds nothing.
    await expect(h.plan(time)).resolves.toMatchObject({ enqueued: 0, leased: 3 });

    await h.collectRecords(() => h.drainJobs());
    // The worker released the leases: the next run enqueues every scope again.
    h.sim.clock.advance(15 * 60_000);
    await expect(h.plan()).resolves.toMatchObject({ enqueued: 3, leased: 0 });
    await h.collectRecords(() => h.drainJobs());
  });
});
