// The bad-input corpus through the real push handler (in a function host): every class is sent
// between good messages so each batch mixes both; each bad one must land in the DLQ with a reason
// naming its problem, every good one must be applied, and the handler must never fail an invocation.
import { randomUUID } from 'node:crypto';
import { startFunctionHost, type FunctionHost } from '../../local/function-host';
import { startConnectorScenario } from '../../local/scenario/connector-scenario';
import { BAD_INPUT_CORPUS, type CorpusContext } from '../bad-input-corpus';
import type { ChaosDeps } from '../deps';
import { playEventSourceMapping, requireDrained } from '../../local/event-source-player';
import { hostOutputLines, scanForSecrets, simulatorSecrets, type LogScan } from '../log-scan';
import { readDeadLetters } from '../push-queue';
import { sendMessageBatches } from '../../functions/commons/queues/sqs-batch-sender';
import { PUSH_MEMORY_MB } from '../../lib/constructs/push-pipeline';

export interface BadInputSizes {
  batchSize: number;
  functionTimeoutSeconds: number;
  maxDurationMs: number;
}

export interface BadInputClassOutcome {
  name: string;
  deadLettered: boolean;
  expectedErrorClass: string;
  errorClass?: string;
  reason?: string;
  /** Dead-lettered with the expected class and a reason naming the problem. */
  ok: boolean;
}

export interface BadInputOutcome {
  scenario: 'bad-input';
  classes: BadInputClassOutcome[];
  goodMessages: number;
  goodApplied: number;
  /** Invocations that threw or whose sandbox died (the handler crashed): must be 0. */
  invocationsFailed: number;
  /** Nothing in the corpus is transient: every record is finished in its first invocation. */
  batchItemFailures: number;
  invocations: number;
  /** Logs and dead-letter reasons scanned for the client secret and every token. */
  logScan: LogScan;
  durationMs: number;
}

export async function runBadInputCorpus(sizes: BadInputSizes, deps: ChaosDeps<'push'>): Promise<BadInputOutcome> {
  const started = Date.now();
  const scenario = await startConnectorScenario({
    simulator: { data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 3, resources: ['projects', 'company_users', 'vendors'] } },
    push: { visibilityTimeoutSeconds: sizes.functionTimeoutSeconds + 2, maxReceiveCount: 5 },
    logLevel: 'DEBUG',
  });
  const { sim, sqs, companyId } = scenario;
  let host: FunctionHost | undefined;
  try {
    const run = `corpus-${randomUUID().slice(0, 8)}`;
    const foreign = sim.store.companies().find((c) => !c.installed);
    if (!foreign) throw new Error('the simulator seeded no company without the app');
    const goodBody = (name: string) =>
      JSON.stringify({
        version: 1,
        id: `${run}-${name}`,
        companyId,
        resource: 'vendors',
        operation: 'create',
        originId: `ERP-${run}-${name}`,
        data: { name: `Corpus good ${name}` },
      });
    const applied = { id: `${run}-first`, body: goodBody('first') };
    const ctx: CorpusContext = {
      companyId,
      projectId: scenario.projectIds[0]!,
      foreignCompanyId: foreign.id,
      rfiManagerId: sim.store.list('company_users', { companyId })[0]!.id,
      vendorId: sim.store.list('vendors', { companyId })[0]!.id,
      applied,
      run,
    };
    host = await startFunctionHost({
      entry: deps.handlers.push,
      env: scenario.env.push,
      functionName: 'push',
      timeoutMs: sizes.functionTimeoutSeconds * 1000,
      memoryMb: PUSH_MEMORY_MB,
    });
    const play = async () =>
      requireDrained(
        await playEventSourceMapping({ sqs, queue: scenario.queues.push, hosts: [host!], batchSize: sizes.batchSize, maxDurationMs: sizes.maxDurationMs }),
        'push',
        sizes.maxDurationMs,
      );

    // The message whose id one class reuses has to be applied first.
    await sendMessageBatches(sqs, scenario.queues.push.url, [{ body: applied.body }]);
    const first = await play();

    const bad = BAD_INPUT_CORPUS.map((c) => ({ c, body: c.body(ctx) }));
    const goods = bad.map((_, i) => ({ name: `good-${i}`, body: goodBody(`good-${i}`) }));
    // One call at a time keeps the queue in this order, so every received batch mixes bad and good.
    await sendMessageBatches(
      sqs,
      scenario.queues.push.url,
      bad.flatMap((b, i) => [{ body: b.body }, { body: goods[i]!.body }]),
      { concurrency: 1 },
    );
    const second = await play();

    const letters = await readDeadLetters(sqs, scenario.queues.pushDlq.url);
    const byBody = new Map(letters.map((l) => [l.body, l]));
    const classes = bad.map(({ c, body }): BadInputClassOutcome => {
      const letter = byBody.get(body);
      return {
        name: c.name,
        deadLettered: letter !== undefined,
        expectedErrorClass: c.errorClass,
        ...(letter ? { errorClass: letter.errorClass, reason: letter.reason } : {}),
        ok: letter !== undefined && letter.errorClass === c.errorClass && c.reason.test(letter.reason),
      };
    });
    const vendorNames = new Set(sim.store.list('vendors', { companyId }).map((v) => v.name));
    const goodApplied = [{ name: 'first' }, ...goods].filter((g) => vendorNames.has(`Corpus good ${g.name}`)).length;
    const reasons = letters.map((l) => `${l.errorClass}: ${l.reason}`);
    return {
      scenario: 'bad-input',
      classes,
      goodMessages: goods.length + 1,
      goodApplied,
      invocationsFailed: first.invocationErrors.length + second.invocationErrors.length,
      batchItemFailures: first.batchItemFailures + second.batchItemFailures,
      invocations: first.invocations + second.invocations,
      logScan: scanForSecrets([...hostOutputLines([host]), ...reasons], simulatorSecrets(sim)),
      durationMs: Date.now() - started,
    };
  } finally {
    await host?.close();
    await scenario.close();
  }
}
