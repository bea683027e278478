// Push under chaos: N push messages (creates with and without origin ids, sync upserts, RFI creates,
// updates, deletes, a share that Procore must refuse, and producer re-sends) played through the
// push queue by the real handler in function hosts, while Procore answers 10 % 5xx, 5 % 429 and
// drops 2 % of connections; mid-run every token is invalidated and a push worker is SIGKILLed
// mid-batch. Batch item failures come back after the queue's visibility timeout; maxReceiveCount
// moves hopeless ones to the DLQ. The simulator's store is the judge of what was applied.
import { randomUUID } from 'node:crypto';
import { startFunctionHost, type FunctionHost } from '../../local/function-host';
import { startConnectorScenario } from '../../local/scenario/connector-scenario';
import type { ChaosDeps } from '../deps';
import { playEventSourceMapping, requireDrained } from '../../local/event-source-player';
import { CHAOS_FAULTS, countFaults, type FaultCounts } from '../chaos-faults';
import { hostOutputLines, scanForSecrets, simulatorSecrets, type LogScan } from '../log-scan';
import { produceBodies, readDeadLetters } from '../push-queue';
import { PUSH_MEMORY_MB } from '../../lib/constructs/push-pipeline';

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

/** Creates without the upstream originId: only the idempotency record stands between repeats (README). */
const WITHOUT_ORIGIN_ID: Kind[] = ['vendor-create', 'rfi-create'];

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
  /** Good messages that ended in the DLQ instead (e.g. after maxReceiveCount). */
  unexpectedDeadLetters: number;
  lost: number;
  /** Creates and upserts carrying the upstream originId (Procore's sync) that made more than one record. */
  duplicateCreates: number;
  /** Creates without an originId (vendor creates without one, RFIs): the documented crash window. */
  duplicateCreatesWithoutOriginId: number;
  invocations: number;
  batchItemFailures: number;
  invocationsFailed: number;
  workersKilled: number;
  tokensInvalidated: number;
  faults: FaultCounts;
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
  const { sim, sqs, companyId } = scenario;
  const projectId = scenario.projectIds[0]!;
  const hosts: FunctionHost[] = [];
  try {
    const rfiManager = sim.store.list('company_users', { companyId })[0]!.id;
    // Seeded records not yet targeted: each update or delete takes the next one of its kind.
    const vendors = sim.store.list('vendors', { companyId }).map((v) => v.id);
    const submittals = sim.store.list('submittals', { companyId, projectId }).map((s) => s.id);
    const run = randomUUID().slice(0, 8);
    const planned: Planned[] = [];
    for (let i = 0; i < sizes.messages; i++) {
      const kind = MIX[i % MIX.length]!;
      const id = `chaos-${run}-${i}`;
      const marker = `chaos ${id}`;
      const base = { version: 1, id, companyId };
      let message: Record<string, unknown>;
      let targetId: number | undefined;
      switch (kind) {
        case 'vendor-create-origin':
          message = { ...base, resource: 'vendors', operation: 'create', originId: `ERP-${id}`, data: { name: marker } };
          break;
        case 'vendor-create':
          message = { ...base, resource: 'vendors', operation: 'create', data: { name: marker } };
          break;
        case 'vendor-upsert':
          message = { ...base, resource: 'vendors', operation: 'upsert', originId: `ERP-${id}`, data: { name: marker } };
          break;
        case 'rfi-create':
          message = {
            ...base,
            projectId,
            resource: 'rfis',
            operation: 'create',
            data: { subject: marker, rfi_manager_id: rfiManager, question: { body: 'Chaos question' } },
          };
          break;
        case 'contract-create':
          message = { ...base, projectId, resource: 'work_order_contracts', operation: 'create', originId: `ERP-${id}`, data: { title: marker } };
          break;
        case 'vendor-update':
          targetId = vendors.shift();
          message = { ...base, resource: 'vendors', operation: 'update', procoreId: targetId, data: { name: marker } };
          break;
        case 'submittal-delete':
          targetId = submittals.shift();
          message = { ...base, projectId, resource: 'submittals', operation: 'delete', procoreId: targetId };
          break;
        case 'refused-update':
          // No such vendor: Procore answers 404, a permanent failure.
          message = { ...base, resource: 'vendors', operation: 'update', procoreId: 1_000 + i, data: { name: marker } };
          break;
      }
      if ((kind === 'vendor-update' || kind === 'submittal-delete') && targetId === undefined) throw new Error(`not enough seeded records for ${kind}`);
      planned.push({ id, kind, body: JSON.stringify(message), marker, ...(targetId === undefined ? {} : { targetId }) });
    }
    // The producer sends every 33rd message twice (a retry on its side): still one write.
    const resends = planned.filter((_, i) => i % 33 === 5);
    const bodies = [...planned.map((p) => p.body)];
    resends.forEach((p, k) => {
      bodies.splice(Math.min(bodies.length, (k + 1) * 37), 0, p.body);
    });

    for (let i = 0; i < sizes.workers; i++) {
      hosts.push(
        await startFunctionHost({
          entry: deps.handlers.push,
          env: scenario.env.push,
          functionName: 'push',
          timeoutMs: sizes.functionTimeoutSeconds * 1000,
          memoryMb: PUSH_MEMORY_MB,
        }),
      );
    }
    sim.setFaults(CHAOS_FAULTS);
    sim.clearRequests();
    let killed = 0;
    let invalidated = 0;
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
      onInvoke: (invocation) => {
        if (invalidated === 0 && invocation.sequence >= sizes.invalidateAtInvocation) {
          sim.invalidateAllTokens();
          invalidated += 1;
        }
        if (killed === 0 && invocation.sequence >= sizes.killAtInvocation) {
          setTimeout(() => {
            if (killed === 0 && !invocation.settled()) {
              invocation.host.kill();
              killed += 1;
            }
          }, sizes.killDelayMs);
        }
      },
    });
    const outcome = requireDrained(await played, 'push', sizes.maxDurationMs);
    await producer;
    sim.setFaults(undefined);

    // The judge: Procore's records.
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
    const applied = good.filter(isApplied);
    return {
      scenario: 'push',
      messages: planned.length,
      producerResends: resends.length,
      applied: applied.length,
      deadLettered: letters.length,
      deadLetteredByReason,
      refusedExpected: refused.length,
      refusedAsExpected: refused.filter((p) => letterById.get(p.id)?.errorClass === 'ProcoreNotFound').length,
      unexpectedDeadLetters: good.filter((p) => letterById.has(p.id)).length,
      lost: planned.filter((p) => !letterById.has(p.id) && !(p.kind !== 'refused-update' && isApplied(p))).length,
      duplicateCreates: planned.filter((p) => CREATES.includes(p.kind) && !WITHOUT_ORIGIN_ID.includes(p.kind) && made(p) > 1).length,
      duplicateCreatesWithoutOriginId: planned.filter((p) => WITHOUT_ORIGIN_ID.includes(p.kind) && made(p) > 1).length,
      invocations: outcome.invocations,
      batchItemFailures: outcome.batchItemFailures,
      invocationsFailed: outcome.invocationErrors.length,
      workersKilled: killed,
      tokensInvalidated: invalidated,
      faults: countFaults(sim.requests(), sim.tokensIssued().length),
      logScan: scanForSecrets(hostOutputLines(hosts), simulatorSecrets(sim)),
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
    await scenario.close();
  }
}
