// The planner's edges: what it accepts as a trigger, how it reads the sync config, and what it
// does with a company it cannot reach.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context';
import { registryListSpecs } from '../../functions/pull/list-spec';
import { planSync, type PlanResult } from '../../functions/pull/plan-sync';
import { SyncConfigSchema } from '../../functions/pull/sync-config';
import { silentLogger } from '../../functions/commons/observability/logger';
import { receiveMessages } from '../../local/sqs-event-source';
import { SyncJobSchema } from '../../functions/pull/sync-job';
import { eventTime, scheduledEvent, startPullHarness, type PullHarness } from './support/pull-harness';

jest.setTimeout(60_000);

let h: PullHarness;
let notInstalled: number;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 1, resources: ['projects', 'rfis', 'vendors'] } },
    // An explicit company list naming one company where the app is not installed.
    sync: (companyId, sim) => ({ companies: [companyId, sim.store.companies().find((c) => !c.installed)!.id], resources: ['rfis'] }),
  });
  notInstalled = h.sim.store.companies().find((c) => !c.installed)!.id;
});

afterAll(async () => {
  await h?.close();
});

describe('pull planner', () => {
  it('takes only an EventBridge scheduled event, and says what is wrong with anything else', async () => {
    const context = lambdaContext({ timeoutMs: 60_000 });
    const notScheduled = { ...scheduledEvent(eventTime(h.sim.clock.now())), 'detail-type': 'Object Created' } as unknown as ScheduledEvent;
    await expect(h.planner(notScheduled, context)).rejects.toThrow(/scheduled event: detail-type/);
    await expect(h.planner({ ...scheduledEvent('yesterday') }, context)).rejects.toThrow(/time/);
  });

  it('refuses companies "all" without a discovery company, naming the setting', async () => {
    const config = SyncConfigSchema.parse({ companies: 'all', resources: ['rfis'] });
    await expect(
      planSync(config, '2026-01-15T12:00:00Z', {
        procore: {
          pages: () => {
            throw new Error('no Procore call expected');
          },
        },
        sqs: new SQSClient({}),
        table: h.table,
        syncJobsQueueUrl: h.queues.jobs,
        resources: registryListSpecs,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/discoveryCompanyId/);
  });

  it('plans the reachable companies and reports the one where the app is not installed', async () => {
    const result = (await h.plan()) as PlanResult;
    expect(result).toMatchObject({ companies: [h.companyId, notInstalled], scopes: 2, enqueued: 2 });
    expect(result.failures).toEqual([expect.objectContaining({ companyId: notInstalled, errorClass: 'ProcoreForbidden', status: 403, transient: false })]);
    const jobs = (await receiveMessages(h.sqs, h.queues.jobs, 10)).map((m) => SyncJobSchema.parse(JSON.parse(m.Body!)));
    expect(jobs.map((j) => [j.companyId, j.resource]).sort()).toEqual([
      [h.companyId, 'rfis'],
      [h.companyId, 'rfis'],
    ]);
  });

  it('fails the run at once when Procore refuses the credentials, instead of skipping every company', async () => {
    h.sim.rotateClientSecret();
    h.sim.invalidateAllTokens();
    h.sim.clock.advance(60 * 60_000);
    await expect(h.plan()).rejects.toMatchObject({ errorClass: 'ProcoreAuthError', status: 401 });
    expect(await receiveMessages(h.sqs, h.queues.jobs, 10)).toEqual([]);
  });
});
