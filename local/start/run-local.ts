// The local end-to-end run: moto as AWS, the stage deployed into it with the CDK CLI, the real
// bundled handlers in function hosts (one sandbox per concurrent execution), the schedule and the
// event source mappings played as EventBridge and Lambda would, and Procore either the simulator
// or a real sandbox company.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { PlanResult } from '../../functions/pull/plan-sync';
import type { ProcoreEnvironmentConfig } from '../../functions/commons/procore/environment-config';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import { auditOriginIds, describeForeignOriginId, originIdsOfMessages, startSimulator, type ProcoreSimulator, type RateLimitOptions } from '../../simulator';
import { loadStageConfig } from '../../lib/config/stage-config';
import { CDK_JSON } from '../../cli/stage';
import { deployStageToMoto } from '../cdk-deploy';
import { playEventSourceMapping, type PlayOutcome } from '../event-source-player';
import { startFunctionHost, type FunctionHost } from '../function-host';
import { motoEnvironment, startMotoServer } from '../moto-server';
import { disableMotoEventSourceMappings, readDeployedConnector, ruleTargetEvent, type DeployedMapping } from './deployed-connector';
import { consumeQueueWhile, parsePushResult, parseRecordEnvelope } from './downstream';
import { PUSH_OUTAGE_MS, pushPhaseFaults } from './push-faults';
import { realProcoreCredentials, type StartOptions } from './options';
import type { Progress } from './progress';
import { runWebhookPhase } from './webhook-phase';
import { buildPushSamples, sampleId, sendPushSamples } from './push-samples';
import { removalsReport, seedRemovals } from './seed-removals';
import { appliedByOperation, countRecords, readDeadLetterQueues, resourcesWithoutRecords, sampleOutcome } from './run-report';
import type { EventSourceReport, StartSummary } from './summary';

const STAGE = 'sandbox';

/** Procore's documented example budget is 600/hour and 25 per 10 s; the old default 3600/hour. */
const SIMULATOR_RATE_LIMIT: Required<RateLimitOptions> = { hourly: 3600, spike: 50, spikeWindowSeconds: 10, hourlyWindowSeconds: 3600, retryAfter: true };

/** Things to stop, last started first; run by the caller's finally and by signal handlers. */
export class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];
  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      try {
        await step?.();
      } catch {
        // keep stopping the rest
      }
    }
  }
}

export interface RunIo {
  progress: Progress;
  /** Function log lines (shown with --verbose, and the tail of each on failure). */
  functionLog: (functionName: string, line: string) => void;
}

/**
 * Simulator runs turn webhooks on for one resource (its scheduled pull becomes the reconciliation
 * rule's), so the run shows the webhook path; real Procore cannot deliver to this machine.
 */
const LOCAL_WEBHOOKS = { enabled: true, resources: ['rfis'], headerSecret: 'procore-connector/sandbox/webhook-header' };

/** The sandbox stage of cdk.json, pointed at this run's Procore and secret. */
function localStageConfig(procore: ProcoreEnvironmentConfig, companies: { discoveryCompanyId: number; only?: number[] }, webhooks?: typeof LOCAL_WEBHOOKS) {
  const cdkJson = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: { stages: Record<string, Record<string, unknown>> } };
  const stage = cdkJson.context.stages[STAGE];
  if (!stage) throw new Error(`cdk.json has no stage ${STAGE}`);
  const sync = stage.sync as Record<string, unknown>;
  const raw = {
    ...stage,
    procore,
    sync: { ...sync, discoveryCompanyId: companies.discoveryCompanyId, ...(companies.only ? { companies: companies.only } : {}) },
    ...(webhooks ? { webhooks } : {}),
  };
  // Checked here too, so a bad cdk.json fails before a deploy is started.
  return { raw, config: loadStageConfig({ stage: STAGE, stages: { [STAGE]: raw } }).config };
}

export async function runLocal(options: StartOptions, io: RunIo, cleanup: Cleanup): Promise<StartSummary> {
  const { progress } = io;
  const runId = Date.now().toString(36);
  const problems: string[] = [];
  const real = options.procore === 'simulator' ? undefined : realProcoreCredentials(process.env);

  const work = mkdtempSync(path.join(tmpdir(), 'npm-start-'));
  cleanup.add(() => rmSync(work, { recursive: true, force: true }));
  progress.step(`work directory ${work}`);

  progress.step('starting moto (local AWS)');
  const moto = await startMotoServer({ log: (line) => progress.step(line) });
  cleanup.add(() => moto.stop());
  Object.assign(process.env, motoEnvironment(moto.endpoint)); // this process and every function host use moto
  progress.step(`moto listening on ${moto.endpoint} (pid ${moto.pid})`);

  let sim: ProcoreSimulator | undefined;
  let procore: ProcoreEnvironmentConfig;
  let credentials: { client_id: string; client_secret: string };
  let companyId: number;
  let foreignCompanyId: number;
  if (real) {
    procore = { name: options.procore as 'sandbox' | 'monthly-sandbox' };
    credentials = { client_id: real.clientId, client_secret: real.clientSecret };
    companyId = real.companyId;
    foreignCompanyId = 1; // a company this DMSA is not installed in
    progress.step(`Procore: the ${options.procore} environment, company ${companyId}`);
  } else {
    progress.step('starting the Procore simulator');
    sim = await startSimulator({
      now: Date.now(),
      rateLimit: SIMULATOR_RATE_LIMIT,
      // Within the stage's initial lookback (30 days), so the first pull finds every seeded record.
      data: { companies: 2, projectsPerCompany: 2, recordsPerResource: options.records, updatedAtSpreadDays: 20 },
    });
    const started = sim;
    cleanup.add(() => started.close());
    const installed = sim.store.companies().filter((c) => c.installed);
    companyId = installed[0]?.id ?? 0;
    foreignCompanyId = sim.store.companies().find((c) => !c.installed)?.id ?? 1;
    procore = { name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl };
    credentials = { client_id: sim.clientId, client_secret: sim.clientSecret };
    progress.step(
      `Procore simulator on ${sim.apiUrl}: ${installed.length} companies with the app installed, ${options.records} records per resource and scope`,
    );
    progress.step(`removals seeded in the simulator: ${seedRemovals(sim)}`);
  }

  const stage = real
    ? localStageConfig(procore, { discoveryCompanyId: companyId, only: [companyId] })
    : localStageConfig(procore, { discoveryCompanyId: companyId }, LOCAL_WEBHOOKS);
  const webhooks = stage.config.webhooks;
  const headerValue = `local-${randomUUID()}`;
  const secretName = stage.config.dmsaSecret;
  const resources: string[] = stage.config.sync.resources;

  progress.step(`synthesizing and deploying stage ${STAGE} into moto (cdk bootstrap, synth, deploy --method=direct)`);
  const deployAbort = new AbortController();
  cleanup.add(() => deployAbort.abort());
  const [deploy] = await Promise.all([
    deployStageToMoto({
      stage: STAGE,
      stageConfig: stage.raw,
      endpoint: moto.endpoint,
      workDir: work,
      log: (line) => progress.step(line),
      signal: deployAbort.signal,
    }),
    (async () => {
      const secrets = new SecretsManagerClient({});
      await secrets.send(new CreateSecretCommand({ Name: secretName, SecretString: JSON.stringify(credentials) }));
      if (webhooks) await secrets.send(new CreateSecretCommand({ Name: webhooks.headerSecret, SecretString: headerValue }));
      secrets.destroy();
      progress.step(`stored the DMSA secret as ${secretName}`);
    })(),
  ]);
  if (deploy.stackStatus !== 'CREATE_COMPLETE') throw new Error(`stack ${deploy.stackName} ended in ${deploy.stackStatus}`);
  const outputs = deploy.outputs;

  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const lambda = new LambdaClient({});
  const events = new EventBridgeClient({});
  const cfn = new CloudFormationClient({});
  cleanup.add(() => {
    for (const client of [sqs, lambda, events, cfn]) client.destroy();
  });
  const connector = await readDeployedConnector(deploy, { cfn, lambda, events, sqs });
  const schedule = connector.schedules[0];
  const jobsMapping = connector.mappings.find((m) => m.queueUrl.endsWith(outputs.SyncJobsQueueUrl?.split('/').at(-1) ?? '-'));
  const pushMapping = connector.mappings.find((m) => m.queueUrl.endsWith(outputs.PushQueueUrl?.split('/').at(-1) ?? '-'));
  const eventsMapping = connector.mappings.find((m) => m.queueUrl.endsWith(outputs.WebhookEventsQueueUrl?.split('/').at(-1) ?? '-'));
  const receiverFn = connector.functions.find((f) => f.name === outputs.WebhookReceiverFunctionName);
  if (webhooks && (!eventsMapping || !receiverFn)) throw new Error('the deployed stack lacks the webhook receiver or its events queue mapping');
  if (!schedule || !jobsMapping || !pushMapping) {
    throw new Error(`the deployed stack lacks ${!schedule ? 'a schedule rule' : 'an event source mapping for the jobs or push queue'}`);
  }
  progress.step(
    `deployed: ${connector.functions.length} functions, schedule ${schedule.expression} -> ${schedule.fn.name}, ` +
      connector.mappings.map((m) => `${m.queueArn.split(':').at(-1)} -> ${m.fn.name} (batch ${m.batchSize}, concurrency ${m.maxConcurrency})`).join(', '),
  );

  await disableMotoEventSourceMappings(lambda, connector.mappings);
  progress.step("moto's own event source mappings disabled (it cannot run the functions); this run plays them");

  const startHost = async (fn: DeployedMapping['fn']): Promise<FunctionHost> => {
    const host = await startFunctionHost({
      entry: fn.entry,
      handlerExport: fn.handlerExport,
      env: fn.env,
      functionName: fn.name,
      timeoutMs: fn.timeoutMs,
      memoryMb: fn.memoryMb,
      onOutput: (line) => io.functionLog(fn.name, line),
    });
    cleanup.add(() => host.close());
    return host;
  };
  const lanes = (mapping: DeployedMapping) => Promise.all(Array.from({ length: mapping.maxConcurrency }, () => startHost(mapping.fn)));
  const [plannerHost, workerHosts, pushHosts, eventsHosts, receiverHost] = await Promise.all([
    startHost(schedule.fn),
    lanes(jobsMapping),
    lanes(pushMapping),
    eventsMapping ? lanes(eventsMapping) : [],
    receiverFn ? startHost(receiverFn) : undefined,
  ]);
  progress.step(
    `function hosts started (cold): 1 planner, ${workerHosts.length} worker, ${pushHosts.length} push, ${eventsHosts.length} webhook events, ${receiverHost ? 1 : 0} receiver sandboxes`,
  );

  // --- pull --------------------------------------------------------------------------------
  // Every schedule rule fires once (with webhooks on, the reconciliation rule pulls their resources).
  for (const rule of connector.schedules) {
    const event = ruleTargetEvent(rule, new Date(), randomUUID());
    try {
      const plan = await plannerHost.invoke<PlanResult>(event);
      progress.step(
        `schedule fired (${rule.expression}): planner enqueued ${plan.enqueued} sync job(s) for ${plan.companies.length} company(ies), ${plan.failures.length} scope failure(s)`,
      );
    } catch (error) {
      problems.push(`the planner failed: ${(error as Error).message}`);
      progress.step(`schedule fired (${rule.expression}): the planner FAILED: ${(error as Error).message}`);
    }
  }

  const eventSources: EventSourceReport[] = [];
  /** Plays a mapping; `returns` counts, per message body, how often it went back to the queue. */
  const play = async (name: string, mapping: DeployedMapping, hosts: FunctionHost[], returns?: Map<string, number>): Promise<PlayOutcome> => {
    progress.step(
      `${name}: playing the event source mapping (failed messages come back after ${options.retryDelay} s instead of the queue's visibility timeout)`,
    );
    let lastReport = Date.now();
    let processed = 0;
    let failed = 0;
    const outcome = await playEventSourceMapping({
      sqs,
      queue: { url: mapping.queueUrl, arn: mapping.queueArn },
      batchSize: mapping.batchSize,
      hosts,
      retryDelaySeconds: options.retryDelay,
      maxDurationMs: options.maxSeconds * 1000,
      onBatch: (batch) => {
        processed += batch.deleted;
        failed += batch.failed;
        for (const m of batch.returned) returns?.set(m.Body ?? '', (returns.get(m.Body ?? '') ?? 0) + 1);
        if (batch.error) progress.step(`${name}: an invocation failed (${batch.error}); its ${batch.received} message(s) will come back`);
        if (Date.now() - lastReport >= 3000) {
          lastReport = Date.now();
          progress.step(`${name}: ${processed} message(s) processed, ${failed} returned for retry so far`);
        }
      },
    });
    progress.step(
      `${name}: ${outcome.deleted} message(s) processed in ${outcome.invocations} invocation(s), ${outcome.failed} returned for retry${outcome.drained ? '' : ' — NOT drained'}`,
    );
    eventSources.push({
      name,
      invocations: outcome.invocations,
      received: outcome.received,
      deleted: outcome.deleted,
      failed: outcome.failed,
      invocationErrors: outcome.invocationErrors.length,
      drained: outcome.drained,
    });
    if (!outcome.drained) problems.push(`${name}: the queue still held messages after ${options.maxSeconds} s`);
    return outcome;
  };

  const delivered = await consumeQueueWhile(sqs, outputs.RecordsQueueUrl ?? '', () => play('sync jobs', jobsMapping, workerHosts), parseRecordEnvelope);
  const records = countRecords(resources, delivered.valid);
  progress.step(`records delivered: ${delivered.valid.length} (${resources.map((r) => `${r} ${records[r]?.live ?? 0}`).join(', ')})`);
  // Before the pushes change anything in the simulator: every removal it holds must have arrived.
  const removals = sim ? removalsReport(sim, resources, delivered.valid) : undefined;
  if (removals) {
    progress.step(`removals delivered: ${removals.map((r) => `${r.resource} ${r.delivered}/${r.inSimulator}`).join(', ')}`);
    for (const row of removals.filter((r) => r.missed > 0)) problems.push(`${row.resource}: ${row.missed} removal(s) in the simulator never delivered`);
  }
  if (delivered.invalid.length > 0)
    problems.push(`${delivered.invalid.length} record message(s) broke the envelope contract: ${delivered.invalid[0]?.problem}`);
  if (sim) problems.push(...resourcesWithoutRecords(resources, records));

  // --- webhooks ----------------------------------------------------------------------------
  const webhookReport =
    sim && webhooks && eventsMapping && receiverHost
      ? await runWebhookPhase({
          sim,
          sqs,
          webhooks,
          headerValue,
          companies: sim.store
            .companies()
            .filter((c) => c.installed)
            .map((c) => c.id),
          receiverHost,
          recordsQueueUrl: outputs.RecordsQueueUrl ?? '',
          playEvents: () => play('webhook events', eventsMapping, eventsHosts),
          step: (line) => progress.step(line),
          cleanup,
        })
      : undefined;
  if (webhookReport) {
    if (!webhookReport.arrived) problems.push(`webhooks: the ${webhookReport.resource} record changed in the simulator never reached the records queue`);
    if (webhookReport.unauthenticatedRefused !== webhookReport.unauthenticatedSent) problems.push('webhooks: an unauthenticated delivery was not refused');
    for (const error of webhookReport.applyErrors) problems.push(`webhooks apply: ${error}`);
  }

  // --- push --------------------------------------------------------------------------------
  const samples = buildPushSamples({ companyId, foreignCompanyId, records: delivered.valid as RecordEnvelope[], runId });
  await sendPushSamples(sqs, outputs.PushQueueUrl ?? '', samples);
  progress.step(
    `pushes sent: ${samples.length} (${samples.filter((s) => s.expect === 'applied').length} valid, ${samples.filter((s) => s.expect !== 'applied').length} bad)`,
  );
  // The push phase meets transient Procore faults (simulator only), so failed messages really come back.
  const returns = new Map<string, number>();
  if (sim) sim.setFaults(pushPhaseFaults());
  const results = await consumeQueueWhile(sqs, outputs.ResultsQueueUrl ?? '', () => play('push', pushMapping, pushHosts, returns), parsePushResult);
  sim?.setFaults(undefined);
  const faultsInjected = sim ? sim.countRequests((r) => r.fault !== undefined) : 0;
  if (sim)
    progress.step(
      `Procore faults in the push phase (first ${PUSH_OUTAGE_MS / 1000} s): ${faultsInjected} request(s) answered 5xx or dropped; ${returns.size} push(es) came back to the queue and were retried`,
    );
  const applied = results.valid.filter((r) => r.status === 'applied');
  progress.step(`pushes applied: ${applied.length} of ${samples.length} (results queue)`);

  // --- dead letters ------------------------------------------------------------------------
  const deadLetterQueues = await readDeadLetterQueues(sqs, outputs, samples);
  const pushDeadLetters = deadLetterQueues.find((q) => q.name === 'PushDeadLetterQueue')?.messages ?? [];
  progress.step(`dead-letter queues read: ${deadLetterQueues.map((q) => `${q.name} ${q.messages.length}`).join(', ')}`);

  const sampleRows = samples.map((sample) => {
    const id = sampleId(sample.body);
    const result = id ? results.valid.find((r) => r.id === id) : undefined;
    const letter = pushDeadLetters.find((m) => m.body === sample.body);
    const { outcome, expected, ok } = sampleOutcome(sample, result, letter, 'no result');
    if (!ok) problems.push(`push sample "${sample.label}": ${outcome}, expected ${expected}`);
    return { label: sample.label, outcome, expected, returned: returns.get(sample.body) ?? 0 };
  });

  // Retries must not write twice: each applied create or upsert left exactly one record in Procore.
  let duplicates = 0;
  if (sim) {
    for (const sample of samples.filter((s) => s.expect === 'applied')) {
      const copies = copiesInSimulator(sim, sample.body);
      if (copies === undefined) continue; // not a create or upsert
      if (copies !== 1) problems.push(`push sample "${sample.label}": ${copies} matching record(s) in Procore, expected 1`);
      duplicates += Math.max(0, copies - 1);
    }
  }

  // origin_id is the upstream system's: no write of the whole run may carry one no sample carried.
  const originIds = sim ? auditOriginIds(sim.requests(), originIdsOfMessages(samples.map((s) => s.body))) : undefined;
  for (const found of originIds?.foreign ?? []) problems.push(`origin_id not from a message: ${describeForeignOriginId(found)}`);

  return {
    target: real ? `moto + Procore ${options.procore}, company ${companyId}` : 'local: moto + Procore simulator',
    resources,
    records,
    ...(removals ? { removals } : {}),
    invalidRecords: delivered.invalid.length,
    pushes: {
      sent: samples.length,
      applied: applied.length,
      appliedByOperation: appliedByOperation(applied),
      deadLettered: results.valid.filter((r) => r.status === 'dead_lettered').length,
      retries: {
        retried: sampleRows.filter((s) => s.returned > 0).length,
        retriedApplied: sampleRows.filter((s) => s.returned > 0 && s.outcome === 'applied').length,
        procoreFaults: faultsInjected,
        duplicates,
      },
      ...(originIds ? { originIds } : {}),
      samples: sampleRows,
    },
    deadLetterQueues,
    procore: sim
      ? {
          apiRequests: sim.countRequests((r) => r.path.startsWith('/api/rest/')),
          tokenRequests: sim.countRequests((r) => r.path.startsWith('/login/')),
          rateLimited: sim.countRequests((r) => r.status === 429),
          hourlyBudget: SIMULATOR_RATE_LIMIT.hourly,
          spikeBudget: SIMULATOR_RATE_LIMIT.spike,
          spikeWindowSeconds: SIMULATOR_RATE_LIMIT.spikeWindowSeconds,
        }
      : { unavailable: 'the requests are made inside the functions; their logs carry the X-Rate-Limit-Remaining Procore reported' },
    eventSources,
    ...(webhookReport ? { webhooks: webhookReport } : {}),
    wallSeconds: progress.elapsed(),
    problems,
  };
}

/** For a create or upsert: the records in its scope carrying every text field it wrote (a repeated create makes two). */
function copiesInSimulator(sim: ProcoreSimulator, body: string): number | undefined {
  const message = JSON.parse(body) as { resource: string; operation: string; companyId: number; projectId?: number; data?: Record<string, unknown> };
  if (message.operation !== 'create' && message.operation !== 'upsert') return undefined;
  const written = Object.entries(message.data ?? {}).filter(([, value]) => typeof value === 'string');
  const scope = { companyId: message.companyId, ...(message.projectId ? { projectId: message.projectId } : {}) };
  return sim.store.list(message.resource, scope).filter((record) => written.every(([field, value]) => record[field] === value)).length;
}
