// What every bench scenario shares: the one connector scenario (simulator + moto resources), the
// request counter in front of moto, the bundled handlers, and the rate budget.
import type { RateLimitOptions } from '../simulator';
import type { ConnectorScenario } from '../local/scenario/connector-scenario';
import type { AwsRequestCounter } from './aws-request-counter';
import type { Bundle } from '../local/scenario/bundle-handlers';
import type { FunctionHost } from '../local/function-host';
import { playEventSourceMapping, requireDrained, type EventSourceMappingPlay } from '../local/event-source-player';

/** The handlers bundled as the stack bundles them, and the bench's own bundled children. */
export interface BenchBundles {
  worker: Bundle;
  push: Bundle;
  planner: Bundle;
  receiver: Bundle;
  events: Bundle;
  /**
   * Cold-start floors: an empty handler; the SDK clients and Logger the handlers import (SQS and
   * Secrets Manager only for the webhook receiver).
   */
  empty: Bundle;
  reference: Bundle;
  referenceReceiver: Bundle;
  /** The worker's halves alone (child/pull-parts-handler.ts). */
  pullParts: Bundle;
}

export interface BenchContext {
  scenario: ConnectorScenario;
  counter: AwsRequestCounter;
  bundles: BenchBundles;
  rateBudget: Required<Pick<RateLimitOptions, 'hourly' | 'spike' | 'spikeWindowSeconds'>>;
  /** Progress lines on stderr (the table goes to stdout). */
  progress(line: string): void;
}

/** A function's environment pointed at the counting proxy, so its AWS calls are counted. */
export function countedEnv(context: BenchContext, env: Record<string, string>, bundle: Bundle): Record<string, string> {
  return { ...env, AWS_ENDPOINT_URL: context.counter.endpoint, BENCH_HANDLER_BUNDLE: bundle.file, POWERTOOLS_LOG_LEVEL: 'WARN' };
}

/** A measurement starts here: fresh rate-limit windows, no logged requests, the counter at zero. */
export function freshStart(context: BenchContext): void {
  context.scenario.sim.setRateLimit({ ...context.rateBudget, retryAfter: true });
  context.scenario.sim.clearRequests();
  context.counter.reset();
}

/** The event source mapping played over `queue` with one host until it is empty; how many invocations it took. */
export async function drain(
  context: BenchContext,
  host: FunctionHost,
  play: Pick<EventSourceMappingPlay, 'queue' | 'batchSize' | 'maxDurationMs' | 'onBatch'> & { what: string },
): Promise<number> {
  const { what, ...options } = play;
  const outcome = await playEventSourceMapping({ sqs: context.scenario.sqs, hosts: [host], ...options });
  return requireDrained(outcome, what, play.maxDurationMs).invocations;
}

/** Procore requests the simulator logged since the measurement began. */
export function restRequests(context: BenchContext) {
  const requests = context.scenario.sim.requests();
  const rest = requests.filter((r) => r.path.startsWith('/api/rest/'));
  return {
    procoreRequests: rest.length,
    rateLimited: rest.filter((r) => r.status === 429).length,
    tokenRequests: requests.filter((r) => r.path === '/login/oauth/token').length,
  };
}

/** SQS requests the counter saw since its reset, by operation and in total. */
export function sqsRequests(context: BenchContext) {
  return {
    sqsRequests: Object.fromEntries(Object.entries(context.counter.counts()).filter(([op]) => op.startsWith('AmazonSQS.'))),
    sqsRequestTotal: context.counter.total('AmazonSQS'),
  };
}
