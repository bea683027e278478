// `status` shows a scope backing off after failing for good (when the schedule tries it again, how
// many failures in a row), and `sync` clears the back-off so the schedule takes the scope again.
import { recordSyncFailure } from '../../functions/pull/state/failure';
import { readScopeTimings } from '../../functions/pull/state/planning-state';
import { scopeId } from '../../functions/pull/sync-scope';
import { startPullWorkerBench, type PullWorkerBench } from './pull-worker-bench';
import { runCli } from './run-cli';

describe('status and sync: a scope backing off', () => {
  let h: PullWorkerBench;
  let projectId: number;

  beforeAll(async () => {
    h = await startPullWorkerBench({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 2, resources: ['projects', 'rfis'] } });
    projectId = h.sim.store.projects(h.companyId)[0]!.id;
  });

  afterAll(async () => {
    await h.close();
  });

  it('shows the back-off beside the failure, and sync clears it', async () => {
    const scope = { companyId: h.companyId, projectId, resource: 'rfis' as const };
    const failedAt = new Date().toISOString();
    const failure = { jobId: 'job-1', errorClass: 'ProcoreForbidden', message: 'project not permitted', httpStatus: 403, attempts: 1, failedAt };
    await recordSyncFailure(h.table, scope, failure);
    const second = await recordSyncFailure(h.table, scope, { ...failure, jobId: 'job-2' });
    // 15 minutes after the first failure, 30 after the second.
    expect(second).toEqual({ consecutiveFailures: 2, retryAtMs: Date.parse(failedAt) + 30 * 60_000 });

    const target = ['--table', h.table.tableName, '--company', String(h.companyId)];
    const shown = await runCli(['status', ...target]);
    expect(shown.code).toBe(0);
    const row = shown.stdout.split('\n').find((line) => line.startsWith('rfis ')) ?? '';
    expect(row).toContain('ProcoreForbidden 403: project not permitted');
    expect(row).toContain(`until ${new Date(second.retryAtMs).toISOString()} (2 failure(s) in a row)`);
    const json = JSON.parse((await runCli(['status', ...target, '--json'])).stdout) as { resource: string; backoff?: unknown }[];
    expect(json.find((s) => s.resource === 'rfis')?.backoff).toEqual({
      consecutiveFailures: 2,
      retryAt: new Date(second.retryAtMs).toISOString(),
      active: true,
    });

    const synced = await runCli(['sync', '--jobs-queue-url', h.queues.jobs, ...target, '--project', String(projectId), '--resource', 'rfis']);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(/^Back-off\s+cleared/m);
    expect((await readScopeTimings(h.table, h.companyId)).get(scopeId(scope))?.retryAtMs).toBeUndefined();
    const after = (await runCli(['status', ...target])).stdout.split('\n').find((line) => line.startsWith('rfis ')) ?? '';
    expect(after).not.toContain('failure(s) in a row');

    // The job it enqueued succeeds: the failure itself is gone too.
    await h.drainJobs();
    await h.takeRecords();
    const cleared = (await runCli(['status', ...target])).stdout.split('\n').find((line) => line.startsWith('rfis ')) ?? '';
    expect(cleared).not.toContain('ProcoreForbidden');
  });
});
