// `npm start -- --aws`: the same walk through a stage already deployed to real AWS (ambient
// credentials and region). Real Lambda consumes the queues here, so the run only fires the planner
// (Lambda Invoke with a scheduled-event payload), sends the sample pushes and observes: it waits for
// the jobs and push queues to drain and peeks at records, results and dead letters without
// consuming them (each peeked message is made visible again at once).
// Not tested by the project's suite (no AWS account there).
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { queueIsEmpty } from '../../cli/aws/sqs';
import { cloudFormationOutputs } from '../../cli/aws/stack-outputs';
import { readStageConfig } from '../../cli/stage';
import { stackName } from '../../lib/connector-app';
import { parsePushResult, parseRecordEnvelope, peekQueue } from './downstream';
import type { StartOptions } from './options';
import { buildPushSamples, sampleId, sendPushSamples } from './push-samples';
import { scheduledEvent } from './deployed-connector';
import type { Cleanup, RunIo } from './run-local';
import { appliedByOperation, countRecords, readDeadLetterQueues, sampleOutcome } from './run-report';
import type { StartSummary } from './summary';

export async function runAgainstAws(options: StartOptions, io: RunIo, cleanup: Cleanup): Promise<StartSummary> {
  const { progress } = io;
  const problems: string[] = [];
  const stack = stackName(options.stage);
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const lambda = new LambdaClient({});
  const events = new EventBridgeClient({});
  cleanup.add(() => {
    for (const client of [sqs, lambda, events]) client.destroy();
  });

  const outputs = (await cloudFormationOutputs()(stack)).values;
  const need = (key: string) => {
    const value = outputs[key];
    if (!value) throw new Error(`stack ${stack} has no output ${key}`);
    return value;
  };
  progress.step(`using stack ${stack} in ${process.env.AWS_REGION ?? 'the default region'}`);

  const planner = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: need('PlannerFunctionName') }));
  // The sync scope is bundled with the planner's code (not its environment): read it from cdk.json, as deployed.
  const { sync } = readStageConfig(options.stage).config;
  const companyId = sync.discoveryCompanyId ?? (Array.isArray(sync.companies) ? Number(sync.companies[0]) : NaN);
  if (!Number.isSafeInteger(companyId))
    throw new Error(`cannot tell the stage's company from cdk.json (stages.${options.stage}.sync: companies or discoveryCompanyId)`);
  const resources: string[] = sync.resources;

  const { Rules = [] } = await events.send(new ListRulesCommand({ NamePrefix: stack }));
  const rule = Rules.find((r) => r.ScheduleExpression);
  const event = scheduledEvent(
    { ruleArn: rule?.Arn ?? `arn:aws:events:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:rule/${stack}` },
    new Date(),
    randomUUID(),
  );
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: planner.FunctionName, Payload: Buffer.from(JSON.stringify(event)) }));
  const answer = Buffer.from(invoked.Payload ?? new Uint8Array()).toString();
  if (invoked.FunctionError) {
    problems.push(`the planner failed: ${answer}`);
    progress.step(`schedule fired: the planner FAILED: ${answer}`);
  } else {
    progress.step(`schedule fired (Lambda Invoke): ${answer}`);
  }

  const waitUntilDrained = async (name: string, url: string) => {
    const deadline = Date.now() + options.maxSeconds * 1000;
    while (Date.now() < deadline) {
      if (await queueIsEmpty(sqs, url)) return progress.step(`${name}: drained by the deployed event source mapping`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    problems.push(`${name}: the queue still held messages after ${options.maxSeconds} s`);
  };
  await waitUntilDrained('sync jobs', need('SyncJobsQueueUrl'));

  const delivered = (await peekQueue(sqs, need('RecordsQueueUrl'), parseRecordEnvelope)).valid;
  const records = countRecords(resources, delivered);
  progress.step(`records waiting on the records queue (peeked, left for consumers): ${delivered.length}`);

  const samples = buildPushSamples({ companyId, foreignCompanyId: 1, records: delivered, runId: Date.now().toString(36) });
  await sendPushSamples(sqs, need('PushQueueUrl'), samples);
  progress.step(`pushes sent: ${samples.length}`);
  await waitUntilDrained('push', need('PushQueueUrl'));
  // Other producers' results (and messages that are not results) may share the queue: only ours count.
  const results = outputs.ResultsQueueUrl ? (await peekQueue(sqs, outputs.ResultsQueueUrl, parsePushResult)).valid : [];
  const ids = new Set(samples.map((s) => sampleId(s.body)).filter((id) => id !== undefined));
  const ours = results.filter((r) => r.id !== null && ids.has(r.id));
  const applied = ours.filter((r) => r.status === 'applied');
  const deadLetterQueues = await readDeadLetterQueues(sqs, outputs, samples);
  return {
    target: `AWS stack ${stack}`,
    resources,
    records,
    invalidRecords: 0,
    pushes: {
      sent: samples.length,
      applied: applied.length,
      appliedByOperation: appliedByOperation(applied),
      deadLettered: ours.filter((r) => r.status === 'dead_lettered').length,
      samples: samples.map((s) => {
        const letter = deadLetterQueues.flatMap((q) => q.messages).find((m) => m.body === s.body);
        const id = sampleId(s.body);
        const { outcome, expected } = sampleOutcome(s, id ? ours.find((r) => r.id === id) : undefined, letter, 'not seen (consumed elsewhere?)');
        return { label: s.label, outcome, expected };
      }),
    },
    deadLetterQueues,
    procore: { unavailable: 'the requests are made inside the deployed functions; their logs carry the X-Rate-Limit-Remaining Procore reported' },
    eventSources: [],
    wallSeconds: progress.elapsed(),
    problems,
  };
}
