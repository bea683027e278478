// Push under chaos: N push messages (creates with and without origin ids, sync upserts, RFI creates,
// updates, deletes, a share that Procore must refuse, and producer re-sends) played through the
// push queue by the real handler in function hosts, while Procore answers 10 % 5xx, 5 % 429 and
// drops 2 % of connections; mid-run every token is invalidated and a push worker is SIGKILLed
// mid-batch. AWS fails too (aws-chaos-faults.ts, through a fault proxy in front of moto that only
// the push functions use): state writes after Procore's answer throttled, SendMessageBatch failing
// in part or whole, Secrets Manager refusing reads after the kill, and a second worker killed
// between Procore's answer and its state write. Batch item failures come back after the queue's
// visibility timeout; maxReceiveCount moves hopeless ones to the DLQ. The simulator's store is the
// judge of what was applied: no create made twice, nothing lost, every dead letter with the
// connector's reason, and no write carrying an origin_id that no message carried.
import { randomUUID } from 'node:crypto';
import { startFunctionHost, type FunctionHost } from '../../local/function-host';
import { AwsChaos, type AwsChaosOptions, type AwsFaultCounts } from '../aws-chaos-faults';
import { startAwsFaultProxy, type AwsFaultProxy } from '../aws-fault-proxy';
import { startConnectorScenario } from '../../local/scenario/connector-scenario';
import type { ChaosDeps } from '../deps';
import { playEventSourceMapping, requireDrained, type RunningInvocation } from '../../local/event-source-player';
import { CHAOS_FAULTS, countFaults, type FaultCounts } from '../chaos-faults';
import { hostOutputLines, scanForSecrets, simulatorSecrets, type LogScan } from '../log-scan';
import { MOVED_BY_QUEUE, produceBodies, readDeadLetters } from '../push-queue';
import { CREATE_OUTCOME_UNKNOWN } from '../../functions/push/create-once';
import { PUSH_MEMORY_MB } from '../../lib/constructs/push-pipeline';
import { auditOriginIds, originIdsOfMessages, type OriginIdAudit } from '../../simulator';

export interface PushChaosSizes {
  messages: number;
  /** Push function timeout; the push queue's visibility timeout is a little longer, as the stack requires. */
  functionTimeoutSeconds: number;
  /** Concurrent push functions (the event source mapping's maximum concurrency). */
  workers: number;
  batchSize: number;
  maxReceiveCount: number;
  /** The push function is killed this long into this invocation (or the next one still running then). */
  killAtInvocation: number;
  killDelayMs: number;
  /** Every token is invalidated when this invocation starts. */
  invalidateAtInvocation: number;
  /** From this invocation on, the next state write after Procore's answer is held and its function killed. */
  killAfterAnswerAtInvocation: number;
  /** AWS-side faults (the seed is the run's). */
  aws: Omit<AwsChaosOptions, 'seed'>;
  maxDurationMs: number;
}

type Kind =
  | 'vendor-create-origin'
  | 'vendor-create'
  | 'vendor-upsert'
  | 'rfi-create'
  | 'contract-create'
  | 'vendor-update'
  | 'submittal-delete'
  | 'refused-update';

/** Twenty slots: the mix repeats every twenty messages. */
const MIX: Kind[] = [
  ...Array<Kind>(6).fill('vendor-create-origin'),
  ...Array<Kind>(2).fill('vendor-create'),
  ...Array<Kind>(3).fill('vendor-upsert'),
  ...Array<Kind>(3).fill('rfi-create'),
  ...Array<Kind>(2).fill('contract-create'),
  ...Array<Kind>(2).fill('vendor-update'),
  'submittal-delete',
  'refused-update',
];

/** Kinds that make a Procore record (their duplicates are what must never happen). */
const CREATES: Kind[] = ['vendor-create-origin', 'vendor-create', 'vendor-upsert', 'rfi-create', 'contract-create'];

export interface PushChaosOutcome {
  scenario: 'push';
  messages: number;
  /** Extra copies the producer sent (same id and body). */
  producerResends: number;
  applied: number;
  deadLettered: number;
  /** Dead-lettered by reason class, e.g. { ProcoreNotFound: 50 }. */
  deadLetteredByReason: Record<string, number>;
  /** Messages meant to be refused that ended in the DLQ with the expected reason. */
  refusedAsExpected: number;
  refusedExpected: number;
  /** Good messages that ended in the DLQ for another reason than an unknown create outcome. */
  unexpectedDeadLetters: number;
  /** Creates dead-lettered as CreateOutcomeUnknown (sent, no answer recorded: a person checks), and how many of them Procore made. */
  createOutcomeUnknown: number;
  createOutcomeUnknownMade: number;
  /** Dead letters without the connector's reason (moved by the redrive policy): must be 0. */
  deadLettersWithoutReason: number;
  lost: number;
  /** Creates that made more than one record (any resource, with or without origin_id). */
  duplicateCreates: number;
  /** Procore writes of the run, and each origin_id in them no message of its resource carried (must be none). */
  originIds: OriginIdAudit;
  invocations: number;
  batchItemFailures: number;
  invocationsFailed: number;
  workersKilled: number;
  /** Workers killed while a state write after Procore's answer was held. */
  killedAfterAnswer: number;
  tokensInvalidated: number;
  faults: FaultCounts;
  awsFaults: AwsFaultCounts;
  logScan: LogScan;
  durationMs: number;
}

interface Planned {
  id: string;
  kind: Kind;
  body: string;
  marker: string;
  targetId?: number;
}

export async function runPushChaos(sizes: PushChaosSizes, deps: ChaosDeps<'push'>): Promise<PushChaosOutcome> {
  const started = Date.now();
  const slotsOf = (kind: Kind) => MIX.filter((k) => k === kind).length;
  const seeded = Math.ceil((sizes.messages / MIX.length) * Math.max(slotsOf('vendor-update'), slotsOf('submittal-delete'))) + 2;
  const scenario = await startConnectorScenario({
    simulator: {
      data: { companies: 1, projectsPerCompany: 1, recordsPerResource: seeded, resources: ['projects', 'company_users', 'vendors', 'submittals'] },
    },
    push: { visibilityTimeoutSeconds: sizes.functionTimeoutSeconds + 2, maxReceiveCount: sizes.maxReceiveCount },
    logLevel: 'DEBUG',
  });
  const { sim, sqs } = scenario;
  const aws = new AwsChaos({ seed: AWS_FAULT_SEED, ...sizes.aws });
  const workers: Worker[] = [];
  try {
    const { planned, bodies, resends } = planMessages(scenario, sizes.messages);
    for (let lane = 0; lane < sizes.workers; lane++) workers.push(await startWorker(scenario, sizes, deps, aws, workers, lane));
    const hosts = workers.map((w) => w.host);
    sim.setFaults(CHAOS_FAULTS);
    sim.clearRequests();
    const events = { killed: 0, invalidated: 0 };
    // The producer sends while the functions consume, keeping the queue about this deep.
    let producing = true;
    const producer = produceBodies(sqs, scenario.queues.push.url, bodies, sizes.batchSize * sizes.workers * 5).finally(() => {
      producing = false;
    });
    const played = playEventSourceMapping({
      producing: () => producing,
      sqs,
      queue: scenario.queues.push,
      hosts,
      batchSize: sizes.batchSize,
      maxDurationMs: sizes.maxDurationMs,
      onInvoke: (invocation) => onInvoke(invocation, sizes, scenario, aws, events),
    });
    const outcome = requireDrained(await played, 'push', sizes.maxDurationMs);
    await producer;
    sim.setFaults(undefined);
    const judged = await judge(scenario, planned);
    return {
      originIds: auditOriginIds(sim.requests(), originIdsOfMessages(bodies)),
      scenario: 'push',
      messages: planned.length,
      producerResends: resends,
      ...judged,
      invocations: outcome.invocations,
      batchItemFailures: outcome.batchItemFailures,
      invocationsFailed: outcome.invocationErrors.length,
      workersKilled: events.killed + workers.reduce((n, w) => n + w.killedAfterAnswer, 0),
      killedAfterAnswer: workers.reduce((n, w) => n + w.killedAfterAnswer, 0),
      tokensInvalidated: events.invalidated,
      faults: countFaults(sim.requests(), sim.tokensIssued().length),
      awsFaults: { ...aws.counts },
      logScan: scanForSecrets(hostOutputLines(hosts), simulatorSecrets(sim)),
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all(workers.map((w) => w.host.close()));
    await Promise.all(workers.map((w) => w.proxy.close()));
    await scenario.close();
  }
}

type Scenario = Awaited<ReturnType<typeof startConnectorScenario>>;

/** The AWS faults' PRNG seed: a run draws the same faults for the same calls. */
const AWS_FAULT_SEED = 13;

/** The messages of the run (the mix repeating), and the bodies as the producer sends them. */
function planMessages(scenario: Scenario, count: number): { planned: Planned[]; bodies: string[]; resends: number } {
  const { sim, companyId } = scenario;
  const projectId = scenario.projectIds[0]!;
  const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
  // Seeded records not yet targeted: each update or delete takes the next one of its kind.
  const vendors = sim.store.list('vendors', { companyId }).map((v) => v.id);
  const submittals = sim.store.list('submittals', { companyId, projectId }).map((s) => s.id);
  const run = randomUUID().slice(0, 8);
  const planned: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const kind = MIX[i % MIX.length]!;
    const id = `chaos-${run}-${i}`;
    const marker = `chaos ${id}`;
    const targetId = kind === 'vendor-update' ? vendors.shift() : kind === 'submittal-delete' ? submittals.shift() : undefined;
    if ((kind === 'vendor-update' || kind === 'submittal-delete') && targetId === undefined) throw new Error(`not enough seeded records for ${kind}`);
    const message = messageOf(kind, { id, marker, companyId, projectId, rfiManager, targetId, index: i });
    planned.push({ id, kind, body: JSON.stringify(message), marker, ...(targetId === undefined ? {} : { targetId }) });
  }
  // The producer sends every 33rd message twice (a retry on its side): still one write.
  const resends = planned.filter((_, i) => i % 33 === 5);
  const bodies = [...planned.map((p) => p.body)];
  resends.forEach((p, k) => {
    bodies.splice(Math.min(bodies.length, (k + 1) * 37), 0, p.body);
  });
  return { planned, bodies, resends: resends.length };
}

function messageOf(
  kind: Kind,
  m: { id: string; marker: string; companyId: number; projectId: number; rfiManager: number; targetId: number | undefined; index: number },
): Record<string, unknown> {
  const base = { version: 1, id: m.id, companyId: m.companyId };
  switch (kind) {
    case 'vendor-create-origin':
      return { ...base, resource: 'vendors', operation: 'create', originId: `ERP-${m.id}`, data: { name: m.marker } };
    case 'vendor-create':
      return { ...base, resource: 'vendors', operation: 'create', data: { name: m.marker } };
    case 'vendor-upsert':
      return { ...base, resource: 'vendors', operation: 'upsert', originId: `ERP-${m.id}`, data: { name: m.marker } };
    case 'rfi-create':
      return {
        ...base,
        projectId: m.projectId,
        resource: 'rfis',
        operation: 'create',
        data: { subject: m.marker, rfi_manager_id: m.rfiManager, question: { body: 'Chaos question' } },
      };
    case 'contract-create':
      return { ...base, projectId: m.projectId, resource: 'work_order_contracts', operation: 'create', originId: `ERP-${m.id}`, data: { title: m.marker } };
    case 'vendor-update':
      return { ...base, resource: 'vendors', operation: 'update', procoreId: m.targetId, data: { name: m.marker } };
    case 'submittal-delete':
      return { ...base, projectId: m.projectId, resource: 'submittals', operation: 'delete', procoreId: m.targetId };
    case 'refused-update':
      // No such vendor: Procore answers 404, a permanent failure.
      return { ...base, resource: 'vendors', operation: 'update', procoreId: 1_000 + m.index, data: { name: m.marker } };
  }
}

interface Worker {
  host: FunctionHost;
  /** This worker's AWS calls go through it. */
  proxy: AwsFaultProxy;
  killedAfterAnswer: number;
}

/** One push function host whose AWS calls go through its own fault proxy (so a held call names its worker). */
async function startWorker(
  scenario: Scenario,
  sizes: PushChaosSizes,
  deps: ChaosDeps<'push'>,
  aws: AwsChaos,
  workers: Worker[],
  lane: number,
): Promise<Worker> {
  const proxy = await startAwsFaultProxy({
    target: process.env.AWS_ENDPOINT_URL!,
    decide: (call) => aws.decide(call),
    // A state write after Procore's answer is held: the function dies before it is answered.
    onHold: () => {
      const worker = workers[lane]!;
      worker.host.kill();
      worker.killedAfterAnswer += 1;
      aws.openSecretOutage();
    },
  });
  const host = await startFunctionHost({
    entry: deps.handlers.push,
    env: { ...scenario.env.push, AWS_ENDPOINT_URL: proxy.url },
    functionName: 'push',
    timeoutMs: sizes.functionTimeoutSeconds * 1000,
    memoryMb: PUSH_MEMORY_MB,
  });
  return { host, proxy, killedAfterAnswer: 0 };
}

function onInvoke(
  invocation: RunningInvocation,
  sizes: PushChaosSizes,
  scenario: Scenario,
  aws: AwsChaos,
  events: { killed: number; invalidated: number },
): void {
  if (events.invalidated === 0 && invocation.sequence >= sizes.invalidateAtInvocation) {
    scenario.sim.invalidateAllTokens();
    events.invalidated += 1;
  }
  if (invocation.sequence === sizes.killAfterAnswerAtInvocation) aws.armHoldAfterAnswer();
  if (events.killed === 0 && invocation.sequence >= sizes.killAtInvocation) {
    setTimeout(() => {
      if (events.killed === 0 && !invocation.settled()) {
        invocation.host.kill();
        events.killed += 1;
        // The replacement sandbox's cold start meets Secrets Manager refusing reads for a while.
        aws.openSecretOutage();
      }
    }, sizes.killDelayMs);
  }
}

type Judged = Pick<
  PushChaosOutcome,
  | 'applied'
  | 'deadLettered'
  | 'deadLetteredByReason'
  | 'refusedAsExpected'
  | 'refusedExpected'
  | 'unexpectedDeadLetters'
  | 'createOutcomeUnknown'
  | 'createOutcomeUnknownMade'
  | 'deadLettersWithoutReason'
  | 'lost'
  | 'duplicateCreates'
>;

/** The judge: Procore's records and the DLQ. */
async function judge(scenario: Scenario, planned: Planned[]): Promise<Judged> {
  const { sim, sqs, companyId } = scenario;
  const projectId = scenario.projectIds[0]!;
  const count = (values: unknown[]) => {
    const counts = new Map<string, number>();
    for (const v of values) if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
    return counts;
  };
  const vendorNames = count(sim.store.list('vendors', { companyId }).map((v) => v.name));
  const rfiSubjects = count(sim.store.list('rfis', { companyId, projectId }).map((r) => r.subject));
  const contractTitles = count(sim.store.list('work_order_contracts', { companyId, projectId }).map((w) => w.title));
  const made = (p: Planned): number =>
    p.kind === 'rfi-create'
      ? (rfiSubjects.get(p.marker) ?? 0)
      : p.kind === 'contract-create'
        ? (contractTitles.get(p.marker) ?? 0)
        : (vendorNames.get(p.marker) ?? 0);
  const isApplied = (p: Planned): boolean => {
    if (CREATES.includes(p.kind)) return made(p) >= 1;
    if (p.kind === 'vendor-update') return sim.store.get('vendors', p.targetId!)?.name === p.marker;
    if (p.kind === 'submittal-delete') return sim.store.scopeOf('submittals', p.targetId!)?.deleted === true;
    return false;
  };

  const letters = await readDeadLetters(sqs, scenario.queues.pushDlq.url);
  const letterById = new Map(letters.map((l) => [l.id ?? '', l]));
  const deadLetteredByReason: Record<string, number> = {};
  for (const l of letters) deadLetteredByReason[l.errorClass] = (deadLetteredByReason[l.errorClass] ?? 0) + 1;
  const refused = planned.filter((p) => p.kind === 'refused-update');
  const good = planned.filter((p) => p.kind !== 'refused-update');
  const unknown = good.filter((p) => letterById.get(p.id)?.errorClass === CREATE_OUTCOME_UNKNOWN);
  return {
    applied: good.filter(isApplied).length,
    deadLettered: letters.length,
    deadLetteredByReason,
    refusedExpected: refused.length,
    refusedAsExpected: refused.filter((p) => letterById.get(p.id)?.errorClass === 'ProcoreNotFound').length,
    unexpectedDeadLetters: good.filter((p) => letterById.has(p.id) && letterById.get(p.id)?.errorClass !== CREATE_OUTCOME_UNKNOWN).length,
    createOutcomeUnknown: unknown.length,
    createOutcomeUnknownMade: unknown.filter((p) => made(p) >= 1).length,
    deadLettersWithoutReason: letters.filter((l) => l.errorClass === MOVED_BY_QUEUE).length,
    lost: planned.filter((p) => !letterById.has(p.id) && !(p.kind !== 'refused-update' && isApplied(p))).length,
    duplicateCreates: planned.filter((p) => CREATES.includes(p.kind) && made(p) > 1).length,
  };
}
