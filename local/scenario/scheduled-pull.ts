// One scheduled pull of a connector scenario: the planner fired with the event EventBridge sends,
// the sync jobs played over the workers until the queue is drained; the records it delivered.
// The scenario's planner lists every resource as a plain sync resource, so this is also the
// reconciliation run's code path (the stack's reconcile rule only picks which resources a run takes;
// `run: 'reconcile'` sends its marker, for a planner whose config names reconciled resources).
import type { Message } from '@aws-sdk/client-sqs';
import { toProcoreTime } from '../../functions/commons/contracts/procore-time';
import { RECONCILE_EVENT_MARKER, type PlannerRun } from '../../functions/pull/cadence/run-resources';
import { playEventSourceMapping } from '../event-source-player';
import type { FunctionHost } from '../function-host';
import { consumeWhile } from '../queue-consumer';
import type { ConnectorScenario } from './connector-scenario';

export async function scheduledPull(
  scenario: ConnectorScenario,
  planner: FunctionHost,
  workers: FunctionHost[],
  maxDurationMs: number,
  options: { run?: PlannerRun } = {},
): Promise<Message[]> {
  return consumeWhile(scenario.sqs, scenario.queues.records.url, async () => {
    await fireSchedule(scenario, planner, options.run);
    await playEventSourceMapping({ sqs: scenario.sqs, queue: scenario.queues.jobs, hosts: workers, batchSize: 1, maxDurationMs });
  });
}

/** The planner invoked as a rule fires it, at the simulator's time: the stage schedule's event, or the reconciliation rule's. */
export async function fireSchedule(scenario: ConnectorScenario, planner: FunctionHost, run: PlannerRun = 'schedule'): Promise<unknown> {
  const time = toProcoreTime(scenario.sim.clock.now());
  return planner.invoke({
    version: '0',
    id: `scenario-${time}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {},
    ...(run === 'reconcile' ? { connector: RECONCILE_EVENT_MARKER } : {}),
  });
}
