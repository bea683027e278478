import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScopeBusyError, startSync } from '../../cli/sync/start-sync';
import { saveCheckpoint } from '../../functions/pull/state/checkpoint';
import { advanceCursor, readCursor } from '../../functions/pull/state/cursor';
import { recordSyncFailure } from '../../functions/pull/state/failure';
import { acquireLease } from '../../functions/pull/state/lease';
import { SyncJobSchema, type SyncJob } from '../../functions/pull/sync-job';
import { startPullWorkerBench, type PullWorkerBench } from './pull-worker-bench';
import { messageCount } from './cli-queues';
import { runCli } from './run-cli';

describe('sync and status (real pull worker, simulator, moto)', () => {
  let h: PullWorkerBench;
  let projectId: number;

  beforeAll(async () => {
    h = await startPullWorkerBench({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 5 } });
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
    await advanceCursor(h.table, scope, new Date().toISOString(), {
      jobId: 'earlier',
      records: 0,
      claimChecked: 0,
      pages: 1,
      finishedAt: new Date().toISOString(),
    });

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
    const delivered = (await h.takeRecords()).filter((r) => r.resource === 'vendors');
    expect(delivered.map((r) => r.id).sort()).toEqual(
      h.sim.store
        .list('vendors', { companyId: h.companyId })
        .map((v) => v.id)
        .sort(),
    );
    // The window ends no later than Procore's clock when it was read (the simulator's, behind this machine's).
    const cursor = Date.parse((await readCursor(h.table, scope))!.cursor);
    expect(cursor).toBeLessThanOrEqual(Math.min(Date.parse(job.windowEnd), h.sim.clock.now()));
    expect(cursor).toBeGreaterThan(h.sim.clock.now() - 60_000);
  });

  it('pulls a project-scoped resource incrementally from its cursor', async () => {
    const now = () => h.sim.clock.now();
    const scope = { companyId: h.companyId, projectId, resource: 'rfis' as const };
    const rfis = h.sim.store.list('rfis', { companyId: h.companyId, projectId });
    await advanceCursor(h.table, scope, new Date(now() - 3600_000).toISOString(), {
      jobId: 'earlier',
      records: 5,
      claimChecked: 0,
      pages: 1,
      finishedAt: new Date(now()).toISOString(),
    });
    h.sim.store.touch('rfis', [rfis[0]!.id, rfis[1]!.id]);

    const started = await startSync({ companyId: h.companyId, projectId, resource: 'rfis' }, { sqs: h.sqs, table: h.table, jobsQueueUrl: h.queues.jobs, now });
    expect(started).toMatchObject({ cursorReset: false, leased: true, job: { projectId, resource: 'rfis' } });
    expect(started.job.full).toBeUndefined();
    await h.drainJobs();
    const delivered = (await h.takeRecords()).map((r) => r.id).sort();
    expect(delivered).toEqual([rfis[0]!.id, rfis[1]!.id].sort());
  });

  it('refuses a second job while the scope has one queued (its lease), unless --force', async () => {
    const deps = { sqs: h.sqs, table: h.table, jobsQueueUrl: h.queues.jobs };
    await startSync({ companyId: h.companyId, resource: 'vendors' }, deps);
    await expect(startSync({ companyId: h.companyId, resource: 'vendors' }, deps)).rejects.toThrow(ScopeBusyError);

    const busy = await runCli(['sync', ...target(), '--resource', 'vendors']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('already queued or running (its lease is held)');
    expect(await messageCount(h.queues.jobs)).toBe(1);

    const forced = await runCli(['sync', ...target(), '--resource', 'vendors', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ leased: false, cursorReset: false });
    expect(await messageCount(h.queues.jobs)).toBe(2);
    await h.drainJobs();
    await h.takeRecords();
    // The worker released the lease when the leased job finished: a new sync is accepted.
    expect((await runCli(['sync', ...target(), '--resource', 'vendors'])).code).toBe(0);
    await h.drainJobs();
    await h.takeRecords();
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
    expect(await messageCount(h.queues.jobs)).toBe(0);
  });

  it('status shows each scope: cursor and last pull, a job in progress, the last failure', async () => {
    const observations = { companyId: h.companyId, projectId, resource: 'observations' as const };
    const submittals = { companyId: h.companyId, projectId, resource: 'submittals' as const };
    await acquireLease(h.table, observations, 'job-obs', { durationMs: 600_000, now: Date.now() });
    await saveCheckpoint(h.table, observations, {
      jobId: 'job-obs',
      windowStart: '2026-01-01T00:00:00Z',
      windowEnd: '2026-01-02T00:00:00Z',
      nextPage: 4,
      recordsSoFar: 3000,
      savedAt: new Date().toISOString(),
    });
    await recordSyncFailure(h.table, submittals, {
      jobId: 'job-sub',
      errorClass: 'ProcoreForbidden',
      message: 'project not permitted',
      httpStatus: 403,
      attempts: 1,
      failedAt: '2026-01-03T00:00:00.000Z',
    });

    const run = await runCli(['status', '--table', h.table.tableName, '--company', String(h.companyId)]);
    expect(run.code).toBe(0);
    const row = (resource: string) => run.stdout.split('\n').find((line) => line.startsWith(`${resource} `)) ?? '';
    expect(row('vendors')).toMatch(/^vendors\s+-\s+\d{4}-\S+\s+0 records in 1 page\(s\) at /);
    expect(row('rfis')).toMatch(new RegExp(`^rfis\\s+${projectId}\\s+\\d{4}-`));
    expect(row('observations')).toContain('never pulled');
    expect(row('observations')).toContain('page 4 next, 3000 records so far');
    expect(row('submittals')).toContain('ProcoreForbidden 403: project not permitted (2026-01-03T00:00:00.000Z)');

    const empty = await runCli(['status', '--table', h.table.tableName, '--company', '999']);
    expect(empty.stdout).toContain('Company 999: no sync state yet');
  });
});
