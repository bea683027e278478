// Polling every 15 minutes against webhooks + a daily reconciliation pull, for one company with 50
// projects x 5 project resources (RFIs, submittals, observations, work order contracts, change
// events) + company vendors, 1 % of records changing per hour, over 24 simulated hours on each side.
// The simulator's clock is moved, not waited on: it starts two days back and each side plays its day
// (bench/webhooks/polling-day.ts, bench/webhooks/webhook-day.ts) with the same planned changes
// (bench/webhooks/change-plan.ts). The handlers keep their real clocks; they take Procore's time
// from its answers' Date header, as they do against Procore (a clock behind theirs reads as a
// Procore clock that lags, which they allow for).
// - Polling: after a first full pull, 96 real planner + worker periods, each with its changes. On
//   2 cores a period of all 251 scopes takes too long for 96 of them in a few minutes, so the
//   polling planner covers the first `pollProjects` projects (+ vendors) and the per-hour count for
//   all projects adds their project-scope requests x (projects / pollProjects - 1): a project scope's
//   requests do not depend on the others (one page each at these sizes). Both figures are reported.
// - Webhooks: the day's changes delivered for real one by one, the stage schedule's 96 planner runs
//   (they plan nothing: every resource is reconciled), then the reconciliation rule's pull for real.
import type { ResourceName } from '../functions/commons/resources/names';
import { startFunctionHost, type FunctionHost } from '../local/function-host';
import { startFunctionUrlFront, type FunctionUrlFront } from '../local/function-url-front';
import { bundleHandlers } from '../local/scenario/bundle-handlers';
import { CONNECTOR_HANDLER_SOURCES, startConnectorScenario } from '../local/scenario/connector-scenario';
import { scheduledPull } from '../local/scenario/scheduled-pull';
import { applySimulatorHooks } from '../local/scenario/simulator-hooks';
import type { SimulatorOptions } from '../simulator';
import { benchRecords, perHour, planChanges, spread } from './webhooks/change-plan';
import { runPollingDay, type DayCounts } from './webhooks/polling-day';
import { runWebhookDay, type WebhookDayCounts } from './webhooks/webhook-day';

export interface WebhookBenchSizes {
  projects: number;
  recordsPerScope: number;
  /** Share of records changing per hour. */
  changePerHour: number;
  pollMinutes: number;
  /** Simulated hours per side. */
  hours: number;
  /** Projects the polling planner covers for real (the first ones); their project-scope requests are scaled to `projects`. */
  pollProjects: number;
  /** Worker sandboxes (the mapping's concurrency) for the pulls. */
  workers: number;
}

interface SideResult {
  requestsPerHour: { mean: number; max: number };
  requestsByHour: number[];
  latencyMs: { median: number; p95: number; max: number };
  changesDelivered: number;
  wallSeconds: number;
}

export interface WebhookBenchResult {
  sizes: WebhookBenchSizes;
  resources: ResourceName[];
  scopes: number;
  records: number;
  changesPerHour: number;
  changes: number;
  polling: SideResult & {
    runs: number;
    rateLimited: number;
    /** As measured over pollProjects projects (+ company scopes), before scaling to all projects. */
    measuredPerHour: { mean: number; max: number };
    /** Changes to records the polling planner covers (pollProjects projects + company resources). */
    changesCovered: number;
  };
  webhooks: SideResult & {
    consumerRequests: number;
    events: number;
    consumerInvocations: number;
    reconcileRequests: number;
    /** Records the reconciliation pull delivered, and of them ones the webhook path had delivered in the same state. */
    reconcileEnvelopes: number;
    reconcileAlreadyDelivered: number;
  };
  /** polling.requestsPerHour.mean / webhooks.requestsPerHour.mean */
  reduction: number;
}

const PROJECT_RESOURCES: ResourceName[] = ['rfis', 'submittals', 'observations', 'work_order_contracts', 'change_events'];
const COMPANY_RESOURCES: ResourceName[] = ['vendors'];
const RESOURCES: ResourceName[] = [...PROJECT_RESOURCES, ...COMPANY_RESOURCES];
const HOUR_MS = 3_600_000;

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
  // Two days back and a bit: both days end before the handlers' (real) now.
  const dayOne = Math.floor((Date.now() - (2 * sizes.hours + 2) * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const scenario = await startConnectorScenario({
    simulator: {
      ...simulator,
      now: dayOne,
      // The clock jumps days in minutes: a token the handlers' clocks think fresh must not expire on it.
      tokenTtlSeconds: 4 * 86_400,
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
    const hooks = scenario.webhooks!;
    const planner = await host('pull-planner', bundles.entries.planner, scenario.env.planner);
    const withConfig = (extra: Record<string, unknown>) => ({
      ...scenario.env.planner,
      SYNC_CONFIG: JSON.stringify({ ...JSON.parse(scenario.env.planner.SYNC_CONFIG!), ...extra }),
    });
    const polledProjects = scenario.projectIds.slice(0, sizes.pollProjects);
    const pollingPlanner = await host('pull-planner', bundles.entries.planner, withConfig({ projects: polledProjects }));
    // The webhook stage's planner: every resource reconciled (the stage schedule's runs plan nothing).
    const webhookPlanner = await host('pull-planner', bundles.entries.planner, withConfig({ reconciledResources: RESOURCES }));
    const workers = await Promise.all(Array.from({ length: sizes.workers }, () => host('pull-worker', bundles.entries.worker, scenario.env.worker)));
    const receiver = await host('webhook-receiver', bundles.entries.receiver, hooks.env.receiver);
    const consumers = await Promise.all([0, 1].map(() => host('webhook-events', bundles.entries.events, hooks.env.events)));
    front = await startFunctionUrlFront(receiver);

    const records = benchRecords(scenario, PROJECT_RESOURCES, COMPANY_RESOURCES);
    const changesPerHour = Math.max(1, Math.round(records.length * sizes.changePerHour));
    const changes = planChanges(records, sizes.hours, changesPerHour);
    const scopes = sizes.projects * PROJECT_RESOURCES.length + COMPANY_RESOURCES.length;
    progress(`webhooks bench: first full pull of ${scopes} scopes (${records.length} records)`);
    await scheduledPull(scenario, planner, workers, 600_000);

    const day = { hours: sizes.hours, pollMinutes: sizes.pollMinutes, changes };
    const polling = await runPollingDay(scenario, { planner: pollingPlanner, workers }, { ...day, start: dayOne }, progress);
    const covered = changes.filter((c) => c.record.projectId === undefined || polledProjects.includes(c.record.projectId)).length;

    const applied = await applySimulatorHooks(scenario.sim, {
      companies: [scenario.companyId],
      destinationUrl: front.url,
      headerValue: hooks.headerValue,
      resources: RESOURCES,
    });
    if (applied.errors.length > 0) throw new Error(`webhooks apply failed: ${applied.errors.join('; ')}`);
    const webhooks = await runWebhookDay(
      scenario,
      { planner: webhookPlanner, workers, consumers },
      { ...day, start: dayOne + sizes.hours * HOUR_MS },
      progress,
    );
    return summarize(sizes, { scopes, records: records.length, changesPerHour, changes: changes.length }, { ...polling, covered }, webhooks);
  } finally {
    // The function URL front listens until closed: left open, the bench process never exits.
    await front?.close();
    await Promise.all(hosts.map((h) => h.close()));
    await scenario.close();
    await bundles.remove();
  }
}

function side(day: DayCounts) {
  return {
    requestsPerHour: perHour(day.requestsByHour),
    requestsByHour: day.requestsByHour,
    latencyMs: spread(day.latenciesMs),
    changesDelivered: day.delivered,
    wallSeconds: Math.round(day.wallMs / 1000),
  };
}

function summarize(
  sizes: WebhookBenchSizes,
  counts: Pick<WebhookBenchResult, 'scopes' | 'records' | 'changesPerHour' | 'changes'>,
  polling: DayCounts & { covered: number },
  webhooks: WebhookDayCounts,
): WebhookBenchResult {
  const scale = sizes.projects / sizes.pollProjects - 1;
  const allProjects = polling.requestsByHour.map((n, hour) => Math.round(n + (polling.projectRequestsByHour?.[hour] ?? 0) * scale));
  const pollingSide = {
    ...side({ ...polling, requestsByHour: allProjects }),
    runs: (sizes.hours * 60) / sizes.pollMinutes,
    rateLimited: polling.rateLimited,
    measuredPerHour: perHour(polling.requestsByHour),
    changesCovered: polling.covered,
  };
  const webhookSide = {
    ...side(webhooks),
    consumerRequests: webhooks.requestsByHour.reduce((sum, n) => sum + n, 0) - webhooks.reconcileRequests,
    events: webhooks.events,
    consumerInvocations: webhooks.consumerInvocations,
    reconcileRequests: webhooks.reconcileRequests,
    reconcileEnvelopes: webhooks.reconcileEnvelopes,
    reconcileAlreadyDelivered: webhooks.reconcileAlreadyDelivered,
  };
  const reduction = Math.round((pollingSide.requestsPerHour.mean / Math.max(0.1, webhookSide.requestsPerHour.mean)) * 10) / 10;
  return { sizes, resources: RESOURCES, ...counts, polling: pollingSide, webhooks: webhookSide, reduction };
}
