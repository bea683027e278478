// Webhooks under chaos: the simulator changes N records in S seconds and delivers each change to the
// real receiver (function host behind a loopback function URL) with its seeded sender faults:
// duplicates, shuffled (held-back) order and dropped deliveries. The events consumer (two sandboxes,
// as the mapping's concurrency) is SIGKILLed mid-batch once (the first invocation from
// killAtInvocation on that is still running when the kill comes); its batch comes back after the
// visibility timeout. Forged deliveries (wrong header) and malformed ones (right header, bad body)
// are sent in between. The resource is pulled only by the reconciliation rule's runs, as the stack
// does with webhooks on: a first one before the changes, a second after them, which delivers only
// what the webhook path did not (delivered markers). Counted: changes lost before and after
// reconciliation, records the reconciliation delivered again in a state the webhook path had
// delivered, forged deliveries accepted, malformed ones counted by the receiver.
import type { Message } from '@aws-sdk/client-sqs';
import { scheduledPull } from '../../local/scenario/scheduled-pull';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import { WEBHOOK_AUTH_HEADER } from '../../functions/commons/contracts/webhook-event';
import { startFunctionHost, type FunctionHost } from '../../local/function-host';
import { postToUrl, startFunctionUrlFront } from '../../local/function-url-front';
import { playEventSourceMapping, type RunningInvocation } from '../../local/event-source-player';
import { consumeWhile } from '../../local/queue-consumer';
import { startConnectorScenario, type ConnectorScenario } from '../../local/scenario/connector-scenario';
import { applySimulatorHooks } from '../../local/scenario/simulator-hooks';
import { PLANNER_TIMEOUT_SECONDS } from '../../lib/constructs/pull-pipeline';
import type { SimDelivery } from '../../simulator/webhooks/delivery-engine';
import type { ChaosDeps } from '../deps';
import { hostOutputLines, scanForSecrets, simulatorSecrets, type LogScan } from '../log-scan';
import { readDeadLetters } from '../push-queue';

export interface WebhookChaosSizes {
  /** Record changes made in the simulator (each one event). */
  events: number;
  /** Over this many seconds. */
  seconds: number;
  projects: number;
  recordsPerProject: number;
  /** The simulator's seeded sender faults. */
  duplicateRate: number;
  outOfOrderRate: number;
  dropRate: number;
  /** Forged (wrong header) and malformed (right header, bad body) deliveries sent in between. */
  forged: number;
  malformed: number;
  consumers: number;
  consumerTimeoutSeconds: number;
  /** The consumer invocation with this sequence number is killed mid-batch. */
  killAtInvocation: number;
  maxDurationMs: number;
}

export interface WebhookChaosOutcome {
  scenario: 'webhooks';
  changes: number;
  recordsChanged: number;
  deliveriesAttempted: number;
  deliveriesDropped: number;
  deliveriesDuplicated: number;
  /** Drawn as out of order by the sender (held back for later ones to overtake). */
  deliveriesHeldBack: number;
  /** Deliveries a later delivery of the same hook went out before (by the simulator's send order): must be > 0. */
  deliveriesSentOutOfOrder: number;
  /** Changed records whose last state had not reached the records queue before / after reconciliation. */
  lostBeforeReconcile: number;
  lostAfterReconcile: number;
  forgedSent: number;
  forgedAccepted: number;
  malformedSent: number;
  /** Answered 400, and logged by the receiver as refused (its count). */
  malformedAnswered400: number;
  malformedCountedByReceiver: number;
  /** From the first change until the simulator had sent every delivery. */
  deliverySeconds: number;
  /** Consumer sandboxes SIGKILLed while their invocation was running: must be > 0. */
  consumersKilled: number;
  /** Events in the killed invocation's batch. */
  killedBatchSize: number;
  consumerInvocations: number;
  consumerInvocationsFailed: number;
  eventsDeadLettered: number;
  eventsDeadLetterReasons: string[];
  webhookEnvelopes: number;
  reconcileEnvelopes: number;
  /** Reconciliation envelopes of a record state the webhook path had delivered (its marker missing: a consumer killed between delivery and marker). */
  reconcileAlreadyDelivered: number;
  logScan: LogScan;
  durationMs: number;
}

const RESOURCE = 'rfis';
const MALFORMED_BODIES = ['{not json', JSON.stringify({ hello: 'world' }), JSON.stringify({ ulid: 'short', event_type: 'update' })];

export async function runWebhookChaos(sizes: WebhookChaosSizes, deps: ChaosDeps<'planner' | 'worker' | 'receiver' | 'events'>): Promise<WebhookChaosOutcome> {
  const started = Date.now();
  const scenario = await startConnectorScenario({
    simulator: { data: { companies: 1, projectsPerCompany: sizes.projects, recordsPerResource: sizes.recordsPerProject, resources: ['projects', RESOURCE] } },
    sync: { resources: [RESOURCE], initialLookbackDays: 3650 },
    jobs: { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 },
    // Longer than a claim outlives its invocation (timeout + 10 s, events-handler.ts), as the stack's
    // 6 x timeout is: a killed batch comes back once its claims lapsed, not as duplicates of itself.
    webhooks: { resources: [RESOURCE], visibilityTimeoutSeconds: sizes.consumerTimeoutSeconds + 12, maxReceiveCount: 5 },
  });
  const hooks = scenario.webhooks!;
  const hosts: FunctionHost[] = [];
  const fronts: { close(): Promise<void> }[] = [];
  const host = async (name: string, entry: string, env: Record<string, string>, timeoutSeconds: number) => {
    const started = await startFunctionHost({ entry, env, functionName: name, timeoutMs: timeoutSeconds * 1000, memoryMb: 512 });
    hosts.push(started);
    return started;
  };
  try {
    // The webhook stage's planner: the resource is reconciled, pulled only by the reconciliation rule.
    const plannerEnv = {
      ...scenario.env.planner,
      SYNC_CONFIG: JSON.stringify({ ...JSON.parse(scenario.env.planner.SYNC_CONFIG!), reconciledResources: [RESOURCE] }),
    };
    const planner = await host('pull-planner', deps.handlers.planner, plannerEnv, PLANNER_TIMEOUT_SECONDS);
    const workers = [
      await host('pull-worker', deps.handlers.worker, scenario.env.worker, 25),
      await host('pull-worker', deps.handlers.worker, scenario.env.worker, 25),
    ];
    const receiver = await host('webhook-receiver', deps.handlers.receiver, hooks.env.receiver, 4);
    const consumers = await Promise.all(
      Array.from({ length: sizes.consumers }, () => host('webhook-events', deps.handlers.events, hooks.env.events, sizes.consumerTimeoutSeconds)),
    );
    const front = await startFunctionUrlFront(receiver);
    fronts.push(front);
    const { sim } = scenario;
    const pull = () => scheduledPull(scenario, planner, workers, sizes.maxDurationMs, { run: 'reconcile' });
    await pull(); // the cursor the reconciliation pull later starts from

    const applied = await applySimulatorHooks(sim, {
      companies: [scenario.companyId],
      destinationUrl: front.url,
      headerValue: hooks.headerValue,
      resources: [RESOURCE],
    });
    if (applied.errors.length > 0) throw new Error(`webhooks apply failed: ${applied.errors.join('; ')}`);
    sim.webhooks.setOptions({ faults: { dropRate: sizes.dropRate, duplicateRate: sizes.duplicateRate, outOfOrderRate: sizes.outOfOrderRate } });

    const records = scenario.projectIds.flatMap((projectId) => sim.store.list(RESOURCE, { companyId: scenario.companyId, projectId }).map((r) => Number(r.id)));
    const changed = new Set<number>();
    let producing = true;
    let killed = 0;
    let killedBatchSize = 0;
    let killPending = false;
    const answers = { forged: [] as number[], malformed: [] as number[] };
    const burstStarted = Date.now();
    let deliveredMs = 0;
    const burst = async () => {
      const gapMs = (sizes.seconds * 1000) / sizes.events;
      const sideEvery = Math.max(1, Math.floor(sizes.events / (sizes.forged + sizes.malformed)));
      for (let i = 0; i < sizes.events; i++) {
        const id = records[(i * 7919) % records.length] ?? 0;
        sim.store.update(RESOURCE, id, { title: `chaos change ${i}` });
        changed.add(id);
        if (i % sideEvery === 0) {
          if (answers.forged.length < sizes.forged) answers.forged.push(await postToUrl(front.url, { [WEBHOOK_AUTH_HEADER]: `forged-${i}` }, '{}'));
          else if (answers.malformed.length < sizes.malformed)
            answers.malformed.push(
              await postToUrl(front.url, { [WEBHOOK_AUTH_HEADER]: hooks.headerValue }, MALFORMED_BODIES[i % MALFORMED_BODIES.length] ?? ''),
            );
        }
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      // A hook's deliveries go out one at a time, as Procore's do: the queue takes longer than the changes.
      await settleWhileSending(sim);
      sim.clock.advance(61_000); // releases deliveries still held back (out of order) with nothing after them
      await settleWhileSending(sim);
      deliveredMs = Date.now() - burstStarted;
      producing = false;
    };
    let outcome: Awaited<ReturnType<typeof playEventSourceMapping>> | undefined;
    const webhookMessages = await consumeWhile(scenario.sqs, scenario.queues.records.url, async () => {
      [outcome] = await Promise.all([
        playEventSourceMapping({
          sqs: scenario.sqs,
          queue: hooks.events,
          hosts: consumers,
          batchSize: 100,
          maxDurationMs: sizes.maxDurationMs,
          producing: () => producing,
          // An invocation that finished within the delay is not killed: the next one is the target.
          onInvoke: (invocation: RunningInvocation) => {
            if (invocation.sequence < sizes.killAtInvocation || killed > 0 || killPending) return;
            killPending = true;
            setTimeout(() => {
              killPending = false;
              if (invocation.settled() || killed > 0) return;
              invocation.host.kill();
              killed += 1;
              killedBatchSize = invocation.messages.length;
            }, 30);
          },
        }),
        burst(),
      ]);
    });
    const finalStates = lastStateOf(sim, scenario, changed);
    const seen = envelopeKeys(webhookMessages);
    const lostBefore = [...finalStates].filter(([id, at]) => !seen.has(`${id}:${at}`)).length;
    const reconcileMessages = await pull();
    const reconcileAlreadyDelivered = [...envelopeKeys(reconcileMessages)].filter((key) => seen.has(key)).length;
    for (const key of envelopeKeys(reconcileMessages)) seen.add(key);
    const lostAfter = [...finalStates].filter(([id, at]) => !seen.has(`${id}:${at}`)).length;

    const deliveries = sim.webhooks.deliveries();
    const deadEvents = await readDeadLetters(scenario.sqs, hooks.eventsDlq.url);
    const receiverLines = hostOutputLines([receiver]);
    return {
      scenario: 'webhooks',
      changes: sizes.events,
      recordsChanged: changed.size,
      deliveriesAttempted: deliveries.filter((d) => d.attempts.length > 0).length,
      deliveriesDropped: deliveries.filter((d) => d.outcome === 'discarded' && d.attempts.length === 0).length,
      deliveriesDuplicated: deliveries.filter((d) => d.duplicate).length,
      deliveriesHeldBack: deliveries.filter((d) => d.heldBack).length,
      deliveriesSentOutOfOrder: sentOutOfOrder(deliveries),
      lostBeforeReconcile: lostBefore,
      lostAfterReconcile: lostAfter,
      forgedSent: answers.forged.length,
      forgedAccepted: answers.forged.filter((s) => s >= 200 && s < 300).length,
      malformedSent: answers.malformed.length,
      malformedAnswered400: answers.malformed.filter((s) => s === 400).length,
      malformedCountedByReceiver: receiverLines.filter((l) => /Webhook delivery refused: (body is not JSON|not a v2 webhook event)/.test(l)).length,
      deliverySeconds: Math.round(deliveredMs / 1000),
      consumersKilled: killed,
      killedBatchSize,
      consumerInvocations: outcome?.invocations ?? 0,
      consumerInvocationsFailed: outcome?.invocationErrors.length ?? 0,
      eventsDeadLettered: deadEvents.length,
      eventsDeadLetterReasons: [...new Set(deadEvents.map((l) => `${l.errorClass}: ${l.reason}`))],
      webhookEnvelopes: webhookMessages.length,
      reconcileEnvelopes: reconcileMessages.length,
      reconcileAlreadyDelivered,
      logScan: scanForSecrets(hostOutputLines(hosts), [...simulatorSecrets(sim), { label: 'webhook header secret', value: hooks.headerValue }]),
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all([...fronts, ...hosts].map((h) => h.close()));
    await scenario.close();
  }
}

/** Delivery attempts the simulator made so far. */
const attemptsMade = (sim: ConnectorScenario['sim']) => sim.webhooks.deliveries().reduce((n, d) => n + d.attempts.length, 0);

/**
 * Until the simulator has sent every due delivery. A hook's deliveries go out one at a time, so on a
 * loaded machine the backlog takes minutes: only a stretch with no delivery sent at all fails.
 */
async function settleWhileSending(sim: ConnectorScenario['sim'], stallMs = 30_000): Promise<void> {
  for (;;) {
    const before = attemptsMade(sim);
    try {
      await sim.webhooks.settle(stallMs);
      return;
    } catch (error) {
      if (attemptsMade(sim) === before) throw error;
    }
  }
}

/** Deliveries that went out after a later delivery (higher id) of the same hook. */
function sentOutOfOrder(deliveries: Pick<SimDelivery, 'id' | 'hookId' | 'sentSeq'>[]): number {
  const sent = deliveries.filter((d) => d.sentSeq !== undefined).sort((a, b) => b.id - a.id);
  const earliestLater = new Map<number, number>();
  let count = 0;
  for (const d of sent) {
    const later = earliestLater.get(d.hookId) ?? Number.POSITIVE_INFINITY;
    if (later < d.sentSeq!) count += 1;
    earliestLater.set(d.hookId, Math.min(later, d.sentSeq!));
  }
  return count;
}

/** The updated_at each changed record holds now: the state that must reach the records queue. */
function lastStateOf(sim: ConnectorScenario['sim'], scenario: ConnectorScenario, ids: Set<number>): Map<number, string> {
  const states = new Map<number, string>();
  for (const projectId of scenario.projectIds) {
    for (const r of sim.store.list(RESOURCE, { companyId: scenario.companyId, projectId }, { includeDeleted: true })) {
      if (ids.has(Number(r.id))) states.set(Number(r.id), String(r.updated_at));
    }
  }
  return states;
}

function envelopeKeys(messages: Message[]): Set<string> {
  const keys = new Set<string>();
  for (const m of messages) {
    const envelope = JSON.parse(m.Body ?? '{}') as RecordEnvelope;
    if (envelope.resource === RESOURCE) keys.add(`${envelope.id}:${envelope.updatedAt}`);
  }
  return keys;
}
