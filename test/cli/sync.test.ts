import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScopeBusyError, startSync } from '../../cli/sync/start-sync';
import { advanceCursor, readCursor } from '../../functions/commons/state/sync-cursor';
import { SyncJobSchema, type SyncJob } from '../../functions/commons/sync/sync-job';
import { startPullHarness, queueDepth, type PullHarness } from '../pull/support/pull-harness';
import { runCli } from './run-cli';

describe('sync: start a pull of one scope now (real pull worker, simulator, moto)', () => {
  let h: PullHarness;
  let projectId: number;

  beforeAll(async () => {
    h = await startPullHarness({
      simulator: { data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 5 } },
      sync: () => ({ resources: ['vendors', 'rfis'] }),
    });
    projectId = h.sim.store.projects(h.companyId)[0]!.id;
  });

  afterAll(async () => {
    await h.close();
  });

  const target = () => ['--jobs-queue-url', h.queues.jobs, '--table', h.table.tableName, '--company', String(h.companyId)];

  /** Reads the one job on the jobs queue and makes it visible again for the worker. */
  async function peekJob(): Promise<SyncJob> {
    const { Messages = [] } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.queues.jobs, VisibilityTimeout: 30, MaxNumberOfMessages: 10 }));
    expect(Messages).toHaveLength(1);
    await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: h.queues.jobs, ReceiptHandle: Messages[0]!.ReceiptHandle, VisibilityTimeout: 0 }));
    return SyncJobSchema.parse(JSON.parse(Messages[0]!.Body!));
  }

  it('--full resets the cursor and enqueues a job that the worker runs to the end', async () => {
    const scope = { companyId: h.companyId, projectId: null, resource: 'vendors' as const };
    // A cursor "now" would make an incremental pull read nothing: --full must read everything.
    await advanceCursor(h.table, scope, new Date().toISOString(), { jobId: 'earlier', records: 0, truncated: 0, pages: 1, finishedAt: new Date().toISOString() });

    const run = await runCli(['sync', ...target(), '--resource', 'vendors', '--full']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Scope\s+vendors in company \d+$/m);
    expect(run.stdout).toMatch(/^Cursor\s+reset \(was \d{4}-/m);
    expect(await readCursor(h.table, scope)).toBeUndefined();

    const job = await peekJob();
    expect(job).toMatchObject({ version: 1, companyId: h.companyId, projectId: null, resource: 'vendors', full: true });
    expect(job.jobId).toMatch(/^cli-/);

    await h.drainJobs();
    const delivered = (await h.receiveRecords()).filter((r) => r.envelope.resource === 'vendors');
    expect(delivered.map((r) => r.envelope.id).sort()).toEqual(h.sim.store.list('vendors', { companyId: h.companyId }).map((v) => v.id).sort());
    expect((await readCursor(h.table, scope))?.cursor).toBe(job.windowEnd);
    await h.purgeRecords();
  });

  it('pulls a project-scoped resource incrementally from its cursor', async () => {
    const now = () => h.sim.clock.now();
    const scope = { companyId: h.companyId, projectId, resource: 'rfis' as const };
    const rfis = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
    await advanceCursor(h.table, scope, new Date(now() - 3600_000).toISOString(), { jobId: 'earlier', records: 5, truncated: 0, pages: 1, finishedAt: new Date(now()).toISOString() });
    h.sim.store.touch('rfis', [rfis[0]!.id, rfis[1]!.id]);

    const started = await startSync({ companyId: h.companyId, projectId, resource: 'rfis' }, { sqs: h.sqs, table: h.table, jobsQueueUrl: h.queues.jobs, now });
    expect(started).toMatchObject({ cursorReset: false, leased: true, job: { projectId, resource: 'rfis' } });
    expect(started.job.full).toBeUndefined();
    await h.drainJobs();
    const delivered = (await h.receiveRecords()).map((r) => r.envelope.id).sort();
    expect(delivered).toEqual([rfis[0]!.id, rfis[1]!.id].sort());
    await h.purgeRecords();
  });

  it('refuses a second job while the scope has one queued (its lease), unless --force', async () => {
    const deps = { sqs: h.sqs, table: h.table, jobsQueueUrl: h.queues.jobs };
    await startSync({ companyId: h.companyId, resource: 'vendors' }, deps);
    await expect(startSync({ companyId: h.companyId, resource: 'vendors' }, deps)).rejects.toThrow(ScopeBusyError);

    const busy = await runCli(['sync', ...target(), '--resource', 'vendors']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('already queued or running (its lease is held)');
    expect(await queueDepth(h.sqs, h.queues.jobs)).toBe(1);

    const forced = await runCli(['sync', ...target(), '--resource', 'vendors', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ leased: false, cursorReset: false });
    expect(await queueDepth(h.sqs, h.queues.jobs)).toBe(2);
    await h.drainJobs();
    await h.purgeRecords();
    // The worker released the lease when the leased job finished: a new sync is accepted.
    expect((await runCli(['sync', ...target(), '--resource', 'vendors'])).code).toBe(0);
    await h.drainJobs();
    await h.purgeRecords();
  });

  it('explains a scope that does not fit the resource (exit 2) and enqueues nothing', async () => {
    const noProject = await runCli(['sync', ...target(), '--resource', 'rfis']);
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain('rfis is project-scoped: name the project (--project ID)');
    const extraProject = await runCli(['sync', ...target(), '--resource', 'vendors', '--project', String(projectId)]);
    expect(extraProject.code).toBe(2);
    expect(extraProject.stderr).toContain('vendors is company-scoped');
    const unknown = await runCli(['sync', ...target(), '--resource', 'invoices']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown resource "invoices"');
    expect(await queueDepth(h.sqs, h.queues.jobs)).toBe(0);
  });
});
