// The polling side of the webhook bench: a day of schedule periods run for real. Each period's
// changes are made at their simulator times, the clock is moved to the period's end, and the real
// planner and workers run (scheduledPull) as the stage schedule would fire them. Counted per hour:
// Procore requests. Change to delivery: simulator time from the change to the pull that delivered
// it, plus the real time that pull took to put the envelope on the records queue.
import type { FunctionHost } from '../../local/function-host';
import type { ConnectorScenario } from '../../local/scenario/connector-scenario';
import { scheduledPull } from '../../local/scenario/scheduled-pull';
import { envelopeKeys, makeChange, type PlannedChange } from './change-plan';

export interface DayHosts {
  planner: FunctionHost;
  workers: FunctionHost[];
}

export interface DayCounts {
  /** Procore requests in each hour of the day. */
  requestsByHour: number[];
  /** Of them, reads of one project's records (the polling day scales these from its sampled projects). */
  projectRequestsByHour?: number[];
  /** Of them answered 429. */
  rateLimited: number;
  /** Per change delivered, ms from the change to its envelope on the records queue. */
  latenciesMs: number[];
  /** Changes whose state reached the records queue. */
  delivered: number;
  wallMs: number;
}

/** Procore's REST API, not its webhooks API (the bench's own hook setup is not the connector's cost). */
export const isProcoreRequest = (r: { path: string }) => r.path.startsWith('/api/rest/') && !r.path.includes('/webhooks/');

/** A request reading one project's records (its list or recycle bin), not discovery or a company list. */
const isProjectScoped = (r: { path: string; query: Record<string, string> }) => r.query.project_id !== undefined || /\/projects\/\d+\//.test(r.path);

export async function runPollingDay(
  scenario: ConnectorScenario,
  hosts: DayHosts,
  day: { start: number; hours: number; pollMinutes: number; changes: PlannedChange[] },
  progress: (line: string) => void,
): Promise<DayCounts> {
  const { sim } = scenario;
  const started = Date.now();
  const periodMs = day.pollMinutes * 60_000;
  const periods = (day.hours * 60) / day.pollMinutes;
  const changedAt = new Map<string, number>();
  const requestsByHour = Array.from({ length: day.hours }, () => 0);
  const projectRequestsByHour = Array.from({ length: day.hours }, () => 0);
  let rateLimited = 0;
  const latenciesMs: number[] = [];
  let next = 0;
  for (let period = 1; period <= periods; period++) {
    const end = day.start + period * periodMs;
    for (; next < day.changes.length && day.start + day.changes[next]!.atMs < end; next++) {
      changedAt.set(makeChange(scenario, day.start, day.changes[next]!, `poll ${next}`), day.start + day.changes[next]!.atMs);
    }
    sim.clock.set(Math.max(sim.clock.now(), end));
    sim.clearRequests();
    // Simulator time minus real time while the pull runs: a SentTimestamp in simulator time.
    const offset = sim.clock.now() - Date.now();
    const messages = await scheduledPull(scenario, hosts.planner, hosts.workers, 600_000);
    const hour = Math.floor(((period - 1) * day.pollMinutes) / 60);
    requestsByHour[hour] = (requestsByHour[hour] ?? 0) + sim.countRequests(isProcoreRequest);
    projectRequestsByHour[hour] = (projectRequestsByHour[hour] ?? 0) + sim.countRequests((r) => isProcoreRequest(r) && isProjectScoped(r));
    rateLimited += sim.countRequests((r) => isProcoreRequest(r) && r.status === 429);
    for (const { key, sentAt } of envelopeKeys(messages)) {
      const at = changedAt.get(key);
      if (at === undefined) continue;
      changedAt.delete(key); // the first delivery counts
      latenciesMs.push(sentAt + offset - at);
    }
    if (period % 8 === 0) progress(`webhooks bench: polling period ${period} of ${periods} (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  return { requestsByHour, projectRequestsByHour, rateLimited, latenciesMs, delivered: latenciesMs.length, wallMs: Date.now() - started };
}
