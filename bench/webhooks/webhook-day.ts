// The webhook side of the webhook bench: the same day of changes, each made at its simulator time
// and delivered for real (simulator sender -> receiver behind the loopback function URL -> events
// queue -> events consumers -> records queue) before the next is made: in Procore the hour's changes
// are minutes apart and each is delivered in about a second, so none share a consumer batch. At
// each schedule period's end the stage schedule's planner run fires for real (every resource is
// reconciled, so it plans nothing). At the day's end the reconciliation rule's run pulls for real.
import type { Message } from '@aws-sdk/client-sqs';
import { playEventSourceMapping } from '../../local/event-source-player';
import type { FunctionHost } from '../../local/function-host';
import { consumeWhile } from '../../local/queue-consumer';
import type { ConnectorScenario } from '../../local/scenario/connector-scenario';
import { fireSchedule, scheduledPull } from '../../local/scenario/scheduled-pull';
import { envelopeKeys, makeChange, type PlannedChange } from './change-plan';
import { isProcoreRequest, type DayCounts, type DayHosts } from './polling-day';

export interface WebhookDayCounts extends DayCounts {
  /** Events the consumers took off the events queue, and the invocations that took them. */
  events: number;
  consumerInvocations: number;
  /** Requests of the reconciliation pull (in the last hour of requestsByHour too). */
  reconcileRequests: number;
  /** Envelopes the reconciliation pull put on the records queue, and of them records the webhook path had delivered in that state. */
  reconcileEnvelopes: number;
  reconcileAlreadyDelivered: number;
}

const PER_CHANGE_TIMEOUT_MS = 30_000;

export async function runWebhookDay(
  scenario: ConnectorScenario,
  /** planner: the webhook stage's (its config names every resource as reconciled). */
  hosts: DayHosts & { consumers: FunctionHost[] },
  day: { start: number; hours: number; pollMinutes: number; changes: PlannedChange[] },
  progress: (line: string) => void,
): Promise<WebhookDayCounts> {
  const { sim } = scenario;
  const hooks = scenario.webhooks!;
  const started = Date.now();
  const changedAt = new Map<string, number>();
  const requestsByHour = Array.from({ length: day.hours }, () => 0);
  let consumed = 0;
  let producing = true;
  let play: Awaited<ReturnType<typeof playEventSourceMapping>> | undefined;
  const messages = await consumeWhile(scenario.sqs, scenario.queues.records.url, async () => {
    const mapping = playEventSourceMapping({
      sqs: scenario.sqs,
      queue: hooks.events,
      hosts: hosts.consumers,
      batchSize: 100,
      maxDurationMs: 3_600_000,
      producing: () => producing,
      onBatch: (batch) => {
        consumed += batch.received;
      },
    });
    try {
      for (let hour = 0; hour < day.hours; hour++) {
        sim.clearRequests();
        const ofHour = day.changes.filter((c) => Math.floor(c.atMs / 3_600_000) === hour);
        for (const [i, change] of ofHour.entries()) {
          const key = makeChange(scenario, day.start, change, `hook ${hour}.${i}`);
          changedAt.set(key, Date.now());
          await until(() => consumed >= changedAt.size, `the event of change ${key} consumed`);
        }
        await scheduleRuns(scenario, hosts.planner, day, hour);
        requestsByHour[hour] = sim.countRequests(isProcoreRequest);
        if ((hour + 1) % 6 === 0) progress(`webhooks bench: webhook hour ${hour + 1} of ${day.hours} (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    } finally {
      producing = false;
      play = await mapping;
    }
  });
  const latenciesMs = latencies(messages, changedAt);
  sim.clearRequests();
  progress('webhooks bench: the daily reconciliation pull');
  const reconciled = await scheduledPull(scenario, hosts.planner, hosts.workers, 600_000, { run: 'reconcile' });
  const reconcileRequests = sim.countRequests(isProcoreRequest);
  requestsByHour[day.hours - 1] = (requestsByHour[day.hours - 1] ?? 0) + reconcileRequests;
  const webhookKeys = new Set(envelopeKeys(messages).map((e) => e.key));
  return {
    requestsByHour,
    rateLimited: 0,
    latenciesMs,
    delivered: latenciesMs.length,
    wallMs: Date.now() - started,
    events: play?.received ?? 0,
    consumerInvocations: play?.invocations ?? 0,
    reconcileRequests,
    reconcileEnvelopes: reconciled.length,
    reconcileAlreadyDelivered: envelopeKeys(reconciled).filter((e) => webhookKeys.has(e.key)).length,
  };
}

/** The stage schedule's planner runs of this hour (they plan nothing: every resource is reconciled). */
async function scheduleRuns(scenario: ConnectorScenario, planner: FunctionHost, day: { start: number; pollMinutes: number }, hour: number): Promise<void> {
  const { sim } = scenario;
  for (let minute = day.pollMinutes; minute <= 60; minute += day.pollMinutes) {
    sim.clock.set(Math.max(sim.clock.now(), day.start + hour * 3_600_000 + minute * 60_000));
    await fireSchedule(scenario, planner);
  }
}

function latencies(messages: Message[], changedAt: Map<string, number>): number[] {
  const first = new Map<string, number>();
  for (const { key, sentAt } of envelopeKeys(messages)) first.set(key, Math.min(sentAt, first.get(key) ?? sentAt));
  return [...changedAt].flatMap(([key, at]) => (first.has(key) ? [first.get(key)! - at] : []));
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + PER_CHANGE_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`webhooks bench: not within ${PER_CHANGE_TIMEOUT_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
