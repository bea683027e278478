// With webhooks on for a resource, its scheduled pull is reconciliation: the stage schedule's runs
// leave it out, and the reconciliation rule's runs (the scheduled event with connector.run
// "reconcile") pull it alone. The real planner, against the simulator and moto.
import type { ScheduledEvent } from 'aws-lambda';
import { RECONCILE_EVENT_MARKER, resourcesOfRun } from '../../functions/pull/cadence/run-resources';
import type { SyncJob } from '../../functions/pull/sync-job';
import { lambdaContext } from '../../local/lambda-context';
import { receiveMessages } from '../../local/sqs-event-source';
import { deleteMessages } from '../../cli/aws/sqs';
import { eventTime, scheduledEvent, startPullHarness, type PullHarness } from '../pull/support/pull-harness';

let h: PullHarness;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 2, resources: ['rfis', 'vendors', 'projects'] } },
    // reconciledResources is what the stack bundles beside the sync scope (PlannerConfigSchema).
    sync: () => ({ resources: ['rfis', 'vendors'], reconciledResources: ['rfis'] }) as never,
  });
}, 60_000);

afterAll(() => h.close());

/** The jobs one planner run enqueued (taken off the queue). */
async function planned(event: ScheduledEvent & { connector?: unknown }): Promise<string[]> {
  await h.planner(event, lambdaContext({ timeoutMs: 120_000, functionName: 'planner' }));
  const messages = await receiveMessages(h.sqs, h.queues.jobs, 100);
  await deleteMessages(h.sqs, h.queues.jobs, messages);
  return messages.map((m) => (JSON.parse(m.Body ?? '{}') as SyncJob).resource).sort();
}

describe('reconciliation cadence', () => {
  it('the stage schedule pulls every resource but the webhook ones; the reconciliation schedule pulls those alone', async () => {
    const time = eventTime(h.sim.clock.now());
    expect(await planned(scheduledEvent(time))).toEqual(['vendors']);
    expect(await planned({ ...scheduledEvent(time), connector: RECONCILE_EVENT_MARKER })).toEqual(['rfis', 'rfis']);
  });

  it('splits the resources by run kind: none twice, none left out', () => {
    const all = ['projects', 'rfis', 'vendors'] as const;
    expect(resourcesOfRun(all, ['rfis'], 'schedule')).toEqual(['projects', 'vendors']);
    expect(resourcesOfRun(all, ['rfis'], 'reconcile')).toEqual(['rfis']);
    expect(resourcesOfRun(all, [], 'reconcile')).toEqual([]);
    expect(resourcesOfRun(['rfis'], ['rfis'], 'schedule')).toEqual([]);
  });
});
