// Polling every 15 minutes against webhooks + a daily reconciliation pull, for one company with 50
// projects x 4 project resources (+ company vendors), 1 % of records changing per hour.
// - Polling: the real planner and workers run one schedule period after a first full pull, with that
//   period's changes (1 %/4) in Procore; its Procore requests x 4 = per hour (a steady state: every
//   period of the 24 h is alike, so one is measured and scaled).
// - Webhooks: one hour of changes (1 % of records) is made in the simulator, which delivers each to the
//   real receiver (loopback function URL) -> events queue -> real events consumer -> records queue;
//   its Procore requests are that hour's. The daily reconciliation pull is run for real once after
//   it (from the first pull's cursor, so its pages hold one hour of changes rather than 24: at these
//   sizes still one page per scope) and counted as 1/24 per hour. So the webhook side runs at full
//   scale for one hour of the 24, not all 24.
// - Change-to-delivery: per changed record, from the change in the simulator to the SentTimestamp of
//   its envelope on the records queue (the events consumer's batching window is not played locally).
import type { Message } from '@aws-sdk/client-sqs';
import { scheduledPull } from '../local/scenario/scheduled-pull';
import type { RecordEnvelope } from '../functions/commons/contracts/record-envelope';
import type { ResourceName } from '../functions/commons/resources/names';
import { playEventSourceMapping } from '../local/event-source-player';
import { startFunctionHost, type FunctionHost } from '../local/function-host';
import { startFunctionUrlFront, type FunctionUrlFront } from '../local/function-url-front';
import { consumeWhile } from '../local/queue-consumer';
import { bundleHandlers } from '../local/scenario/bundle-handlers';
import { CONNECTOR_HANDLER_SOURCES, startConnectorScenario } from '../local/scenario/connector-scenario';
import { applySimulatorHooks } from '../local/scenario/simulator-hooks';
import type { SimulatorOptions } from '../simulator';

export interface WebhookBenchSizes {
  projects: number;
  recordsPerScope: number;
  /** Share of records changing per hour. */
  changePerHour: number;
  pollMinutes: number;
  /** Real seconds the hour of webhook changes is played in. */
  playSeconds: number;
}

export interface WebhookBenchResult {
  sizes: WebhookBenchSizes;
  scopes: number;
  records: number;
  changesPerHour: number;
  polling: { requestsPerRun: number; runsPerHour: number; requestsPerHour: number };
  webhooks: { consumerRequestsPerHour: number; reconcileRequestsPerDay: number; requestsPerHour: number; changesDelivered: number };
  /** polling.requestsPerHour / webhooks.requestsPerHour */
  reduction: number;
  latencyMs: { median: number; p95: number; max: number };
  /** Polling's change-to-delivery: half a period on average, up to a period. */
  pollingLatencyMedianMs: number;
}

const PROJECT_RESOURCES: ResourceName[] = ['rfis', 'submittals', 'observations', 'work_order_contracts'];
const RESOURCES: ResourceName[] = [...PROJECT_RESOURCES, 'vendors'];

export async function measureWebhooksVsPolling(
  sizes: WebhookBenchSizes,
  simulator: Pick<SimulatorOptions, 'latencyMs' | 'rateLimit' | 'maxPerPage'>,
  progress: (line: string) => void,
): Promise<WebhookBenchResult> {
  const bundles = await bundleHandlers({
    planner: CONNECTOR_HANDLER_SOURCES.planner,
    worker: CONNECTOR_HANDLER_SOURCES.worker,
    receiver: CONNECTOR_HANDLER_SOURCES.receiver,
    events: CONNECTOR_HANDLER_SOURCES.events,
  });
  const scenario = await startConnectorScenario({
    simulator: {
      ...simulator,
      data: { companies: 1, projectsPerCompany: sizes.projects, recordsPerResource: sizes.recordsPerScope, resources: ['projects', ...RESOURCES] },
    },
    sync: { resources: RESOURCES, initialLookbackDays: 3650 },
    jobs: { visibilityTimeoutSeconds: 60, maxReceiveCount: 3 },
    webhooks: { resources: RESOURCES, visibilityTimeoutSeconds: 62, maxReceiveCount: 5 },
    logLevel: 'WARN',
  });
  const hosts: FunctionHost[] = [];
  let front: FunctionUrlFront | undefined;
  const host = async (name: string, entry: string, env: Record<string, string>) => {
    const started = await startFunctionHost({ entry, env, functionName: name, timeoutMs: 60_000, memoryMb: 1024 });
    hosts.push(started);
    return started;
  };
  try {
    const { sim } = scenario;
    const hooks = scenario.webhooks!;
    const planner = await host('pull-planner', bundles.entries.planner, scenario.env.planner);
    const workers = await Promise.all([0, 1].map(() => host('pull-worker', bundles.entries.worker, scenario.env.worker)));
    const receiver = await host('webhook-receiver', bundles.entries.receiver, hooks.env.receiver);
    const consumers = await Promise.all([0, 1].map(() => host('webhook-events', bundles.entries.events, hooks.env.events)));
    front = await startFunctionUrlFront(receiver);
    const { url: destinationUrl } = front;
    const pull = () => scheduledPull(scenario, planner, workers, 600_000);
    const procoreRequests = () => sim.countRequests((r) => r.path.startsWith('/api/rest/') && !r.path.includes('/webhooks/'));

    const records = scenario.projectIds.flatMap((projectId) =>
      PROJECT_RESOURCES.flatMap((resource) =>
        sim.store.list(resource, { companyId: scenario.companyId, projectId }).map((r) => ({ resource, id: Number(r.id) })),
      ),
    );
    records.push(...sim.store.list('vendors', { companyId: scenario.companyId }).map((r) => ({ resource: 'vendors' as ResourceName, id: Number(r.id) })));
    const scopes = sizes.projects * PROJECT_RESOURCES.length + 1;
    const changesPerHour = Math.max(1, Math.round(records.length * sizes.changePerHour));
    const change = (n: number, offset: number) => {
      const picked = Array.from({ length: n }, (_, i) => records[((offset + i) * 7919) % records.length]!);
      for (const r of picked) sim.store.update(r.resource, r.id, { title: `bench change ${offset}` });
      return picked;
    };

    progress(`webhooks bench: first full pull of ${scopes} scopes (${records.length} records)`);
    await pull();

    const runsPerHour = 60 / sizes.pollMinutes;
    change(Math.round(changesPerHour / runsPerHour), 0);
    sim.clearRequests();
    progress('webhooks bench: one polling period (real planner and workers)');
    await pull();
    const requestsPerRun = procoreRequests();

    const applied = await applySimulatorHooks(sim, {
      companies: [scenario.companyId],
      destinationUrl,
      headerValue: hooks.headerValue,
      resources: RESOURCES,
    });
    if (applied.errors.length > 0) throw new Error(`webhooks apply failed: ${applied.errors.join('; ')}`);
    sim.clearRequests();
    progress(`webhooks bench: one hour of changes (${changesPerHour}) delivered by webhook in ${sizes.playSeconds} s`);
    const changedAt = new Map<string, number>();
    let producing = true;
    const messages = await consumeWhile(scenario.sqs, scenario.queues.records.url, async () => {
      await Promise.all([
        playEventSourceMapping({
          sqs: scenario.sqs,
          queue: hooks.events,
          hosts: consumers,
          batchSize: 100,
          maxDurationMs: 120_000,
          producing: () => producing,
        }),
        (async () => {
          for (let i = 0; i < changesPerHour; i++) {
            const [r] = change(1, 1000 + i);
            changedAt.set(`${r!.resource}:${r!.id}`, Date.now());
            await new Promise((resolve) => setTimeout(resolve, (sizes.playSeconds * 1000) / changesPerHour));
          }
          await sim.webhooks.settle(60_000);
          producing = false;
        })(),
      ]);
    });
    const consumerRequestsPerHour = procoreRequests();
    const latencies = deliveryLatencies(messages, changedAt);

    sim.clearRequests();
    progress('webhooks bench: the daily reconciliation pull');
    await pull();
    const reconcileRequestsPerDay = procoreRequests();

    const pollingPerHour = requestsPerRun * runsPerHour;
    const webhooksPerHour = consumerRequestsPerHour + reconcileRequestsPerDay / 24;
    return {
      sizes,
      scopes,
      records: records.length,
      changesPerHour,
      polling: { requestsPerRun, runsPerHour, requestsPerHour: pollingPerHour },
      webhooks: {
        consumerRequestsPerHour,
        reconcileRequestsPerDay,
        requestsPerHour: Math.round(webhooksPerHour * 10) / 10,
        changesDelivered: latencies.length,
      },
      reduction: Math.round((pollingPerHour / webhooksPerHour) * 10) / 10,
      latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: quantile(latencies, 1) },
      pollingLatencyMedianMs: (sizes.pollMinutes * 60_000) / 2,
    };
  } finally {
    // The function URL front listens until closed: left open, the bench process never exits.
    await front?.close();
    await Promise.all(hosts.map((h) => h.close()));
    await scenario.close();
    await bundles.remove();
  }
}

/** Per changed record: its envelope's SentTimestamp minus the time of the change. */
function deliveryLatencies(messages: Message[], changedAt: Map<string, number>): number[] {
  const latencies: number[] = [];
  for (const m of messages) {
    const envelope = JSON.parse(m.Body ?? '{}') as RecordEnvelope;
    const at = changedAt.get(`${envelope.resource}:${envelope.id}`);
    const sent = Number(m.Attributes?.SentTimestamp);
    if (at !== undefined && Number.isFinite(sent)) latencies.push(sent - at);
  }
  return latencies.sort((a, b) => a - b);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}
