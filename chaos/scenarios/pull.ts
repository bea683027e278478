// Pull under chaos: the real planner and workers (each in its own process, as Lambda runs them)
// page N records out of the simulator while it answers 10 % 5xx, 5 % 429 and drops 2 % of
// connections; mid-run every token is invalidated and a worker is SIGKILLed mid-job (its job comes
// back after the queue's visibility timeout and another worker finishes it). A consumer drains the
// records queue meanwhile. Counted: records lost, records delivered more than once, jobs dead-lettered.
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import { toProcoreTime } from '../../functions/commons/contracts/procore-time';
import type { ResourceName } from '../../functions/commons/resources/names';
import { startFunctionHost, type FunctionHost } from '../../local/function-host';
import { startConnectorScenario } from '../../local/scenario/connector-scenario';
import type { ChaosDeps } from '../deps';
import { CHAOS_FAULTS, countFaults, type FaultCounts } from '../chaos-faults';
import { hostOutputLines, scanForSecrets, simulatorSecrets, type LogScan } from '../log-scan';
import { readDeadLetters } from '../push-queue';
import { playEventSourceMapping, requireDrained, type PlayOutcome, type RunningInvocation } from '../../local/event-source-player';
import { consumeWhile } from '../../local/queue-consumer';
import { PLANNER_MEMORY_MB, PLANNER_TIMEOUT_SECONDS, WORKER_MEMORY_MB } from '../../lib/constructs/pull-pipeline';

export interface PullChaosSizes {
  /** Records in Procore to pull (spread over projects x resources). */
  records: number;
  projects: number;
  resources: ResourceName[];
  /** The simulator's largest page (smaller = more requests = more faults met). */
  pageSize: number;
  /** Worker function timeout; the jobs queue's visibility timeout is a little longer, as the stack requires. */
  workerTimeoutSeconds: number;
  /** Concurrent workers (the event source mapping's maximum concurrency). */
  workers: number;
  /** The worker is killed once this share of the records has arrived (and a job is running). */
  killAtShare: number;
  /** Every token is invalidated once this share of the records has arrived. */
  invalidateAtShare: number;
  maxDurationMs: number;
}

export interface PullChaosOutcome {
  scenario: 'pull';
  expectedRecords: number;
  distinctDelivered: number;
  lost: number;
  /** Records (resource, id, updated_at) that arrived more than once, and the extra copies. */
  deliveredMoreThanOnce: number;
  extraCopies: number;
  /** Envelopes for records Procore does not hold (must be 0). */
  unexpected: number;
  jobsDeadLettered: number;
  jobsDeadLetterReasons: string[];
  workerInvocations: number;
  workerInvocationsFailed: number;
  workersKilled: number;
  tokensInvalidated: number;
  plannerAttempts: number;
  faults: FaultCounts;
  logScan: LogScan;
  durationMs: number;
}

export async function runPullChaos(sizes: PullChaosSizes, deps: ChaosDeps<'planner' | 'worker'>): Promise<PullChaosOutcome> {
  const started = Date.now();
  const scopes = sizes.projects * sizes.resources.length;
  const perScope = Math.ceil(sizes.records / scopes);
  const scenario = await startConnectorScenario({
    simulator: {
      maxPerPage: sizes.pageSize,
      data: { companies: 1, projectsPerCompany: sizes.projects, recordsPerResource: perScope, resources: ['projects', ...sizes.resources] },
    },
    sync: { resources: sizes.resources, initialLookbackDays: 3650 },
    jobs: { visibilityTimeoutSeconds: sizes.workerTimeoutSeconds + 2, maxReceiveCount: 3 },
    logLevel: 'DEBUG',
  });
  const { sim, sqs } = scenario;
  const hosts: FunctionHost[] = [];
  try {
    const expected = new Set<string>();
    for (const projectId of scenario.projectIds) {
      for (const resource of sizes.resources) {
        for (const r of sim.store.list(resource, { companyId: scenario.companyId, projectId })) expected.add(keyOf(resource, r.id, r.updated_at));
      }
    }

    const hostOptions = (name: string, entry: string, env: Record<string, string>, timeoutSeconds: number, memoryMb: number) => ({
      entry,
      env,
      functionName: name,
      timeoutMs: timeoutSeconds * 1000,
      memoryMb,
    });
    const planner = await startFunctionHost(
      hostOptions('pull-planner', deps.handlers.planner, scenario.env.planner, PLANNER_TIMEOUT_SECONDS, PLANNER_MEMORY_MB),
    );
    hosts.push(planner);
    for (let i = 0; i < sizes.workers; i++) {
      hosts.push(await startFunctionHost(hostOptions('pull-worker', deps.handlers.worker, scenario.env.worker, sizes.workerTimeoutSeconds, WORKER_MEMORY_MB)));
    }
    const workers = hosts.slice(1);

    sim.setFaults(CHAOS_FAULTS);
    sim.clearRequests();
    let arrived = 0;
    let killed = 0;
    let invalidated = 0;
    let plannerAttempts = 0;
    const running = new Set<RunningInvocation>();
    const maybeDisrupt = () => {
      if (invalidated === 0 && arrived >= expected.size * sizes.invalidateAtShare) {
        sim.invalidateAllTokens();
        invalidated += 1;
      }
      if (killed === 0 && arrived >= expected.size * sizes.killAtShare) {
        const victim = [...running].find((r) => !r.settled());
        if (victim) {
          victim.host.kill();
          killed += 1;
        }
      }
    };

    let outcome: PlayOutcome | undefined;
    const received = await consumeWhile(
      sqs,
      scenario.queues.records.url,
      async () => {
        // EventBridge retries a failed asynchronous invocation (twice); the planner's leases make a repeat harmless.
        for (;;) {
          plannerAttempts += 1;
          try {
            await planner.invoke(scheduledEvent(new Date(sim.clock.now())));
            break;
          } catch (error) {
            if (plannerAttempts >= 3) throw error;
          }
        }
        outcome = requireDrained(
          await playEventSourceMapping({
            sqs,
            queue: scenario.queues.jobs,
            hosts: workers,
            batchSize: 1,
            maxDurationMs: sizes.maxDurationMs,
            onInvoke: (invocation) => {
              running.add(invocation);
              for (const r of running) if (r.settled()) running.delete(r);
            },
          }),
          'sync jobs',
          sizes.maxDurationMs,
        );
      },
      {
        receivers: 4,
        onBatch: (count) => {
          arrived += count;
          maybeDisrupt();
        },
      },
    );
    sim.setFaults(undefined);

    const copies = new Map<string, number>();
    for (const message of received) {
      const envelope = JSON.parse(message.Body ?? '') as RecordEnvelope;
      // Quarantined envelopes (unreadable records) carry no usable key: the simulator sends none.
      const key = keyOf(envelope.resource, envelope.id ?? 0, envelope.updatedAt ?? '');
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    const repeated = [...copies.values()].filter((n) => n > 1);
    const deadJobs = await readDeadLetters(sqs, scenario.queues.jobsDlq.url);
    const secrets = simulatorSecrets(sim);
    return {
      scenario: 'pull',
      expectedRecords: expected.size,
      distinctDelivered: [...copies.keys()].filter((k) => expected.has(k)).length,
      lost: [...expected].filter((k) => !copies.has(k)).length,
      deliveredMoreThanOnce: repeated.length,
      extraCopies: repeated.reduce((sum, n) => sum + n - 1, 0),
      unexpected: [...copies.keys()].filter((k) => !expected.has(k)).length,
      jobsDeadLettered: deadJobs.length,
      jobsDeadLetterReasons: deadJobs.map((l) => `${l.errorClass}: ${l.reason}`),
      workerInvocations: outcome?.invocations ?? 0,
      workerInvocationsFailed: outcome?.invocationErrors.length ?? 0,
      workersKilled: killed,
      tokensInvalidated: invalidated,
      plannerAttempts,
      faults: countFaults(sim.requests(), sim.tokensIssued().length),
      logScan: scanForSecrets(hostOutputLines(hosts), secrets),
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
    await scenario.close();
  }
}

function keyOf(resource: string, id: number, updatedAt: string): string {
  return `${resource}:${id}:${updatedAt}`;
}

function scheduledEvent(at: Date) {
  return {
    version: '0',
    id: `chaos-${at.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: toProcoreTime(at.getTime()),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/procore-connector-pull-schedule'],
    detail: {},
  };
}
