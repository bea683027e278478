// What the deployed stack holds, read back through the AWS APIs as Lambda and EventBridge would
// see it: each function (environment, timeout, handler), its bundled code in the cloud assembly,
// the SQS event source mappings and the schedule rule with its target.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { type EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, type LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { functionAssetDir, type CdkDeployResult } from '../cdk-deploy';
import { toProcoreTime } from '../../functions/commons/contracts/procore-time';

export interface DeployedFunction {
  name: string;
  arn: string;
  /** The bundled handler module and its export (from the function's Handler, e.g. index.handler). */
  entry: string;
  handlerExport: string;
  env: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
}

export interface DeployedMapping {
  uuid: string;
  fn: DeployedFunction;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maxConcurrency: number;
}

export interface DeployedSchedule {
  ruleName: string;
  ruleArn: string;
  expression: string;
  fn: DeployedFunction;
  /** The target's constant Input, when the rule sets one instead of the scheduled event. */
  input?: string;
  /** The target's input transformer (e.g. the reconciliation rule's scheduled event plus a marker). */
  inputTransformer?: { pathsMap: Record<string, string>; template: string };
}

export interface DeployedConnector {
  functions: DeployedFunction[];
  mappings: DeployedMapping[];
  schedules: DeployedSchedule[];
}

/** Lanes for a mapping without MaximumConcurrency (Lambda would scale up to the account's limit). */
const DEFAULT_LANES = 2;

async function allStackResources(cfn: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    resources.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return resources;
}

function handlerModule(assetDir: string, handler: string): { entry: string; handlerExport: string } {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const handlerExport = handler.slice(dot + 1);
  for (const extension of ['.mjs', '.js', '.cjs']) {
    const entry = path.join(assetDir, `${file}${extension}`);
    if (existsSync(entry)) return { entry, handlerExport };
  }
  throw new Error(`no ${file}.mjs or ${file}.js in ${assetDir} (function handler ${handler})`);
}

export async function readDeployedConnector(
  deploy: Pick<CdkDeployResult, 'stackName' | 'assemblyDir' | 'template'>,
  clients: { cfn: CloudFormationClient; lambda: LambdaClient; events: EventBridgeClient; sqs: SQSClient },
): Promise<DeployedConnector> {
  const resources = await allStackResources(clients.cfn, deploy.stackName);
  const functions: DeployedFunction[] = [];
  for (const resource of resources.filter((r) => r.ResourceType === 'AWS::Lambda::Function')) {
    const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: resource.PhysicalResourceId }));
    const { entry, handlerExport } = handlerModule(functionAssetDir(deploy, resource.LogicalResourceId ?? ''), config.Handler ?? 'index.handler');
    functions.push({
      name: config.FunctionName ?? '',
      arn: config.FunctionArn ?? '',
      entry,
      handlerExport,
      env: config.Environment?.Variables ?? {},
      timeoutMs: (config.Timeout ?? 3) * 1000,
      memoryMb: config.MemorySize ?? 128,
    });
  }
  const byArnOrName = (ref: string | undefined) => functions.find((f) => f.arn === ref || f.name === ref || (ref ?? '').endsWith(`:function:${f.name}`));

  const mappings: DeployedMapping[] = [];
  const { EventSourceMappings = [] } = await clients.lambda.send(new ListEventSourceMappingsCommand({}));
  for (const mapping of EventSourceMappings) {
    const fn = byArnOrName(mapping.FunctionArn);
    const queueArn = mapping.EventSourceArn ?? '';
    if (!fn || !queueArn.startsWith('arn:aws:sqs:') || mapping.State === 'Disabled') continue;
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueArn.split(':').at(-1) }));
    mappings.push({
      uuid: mapping.UUID ?? '',
      fn,
      queueUrl: QueueUrl ?? '',
      queueArn,
      batchSize: mapping.BatchSize ?? 10,
      maxConcurrency: mapping.ScalingConfig?.MaximumConcurrency ?? DEFAULT_LANES,
    });
  }

  const schedules: DeployedSchedule[] = [];
  const { Rules = [] } = await clients.events.send(new ListRulesCommand({ NamePrefix: deploy.stackName }));
  for (const rule of Rules.filter((r) => r.ScheduleExpression && r.State !== 'DISABLED')) {
    const { Targets = [] } = await clients.events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
    for (const target of Targets) {
      const fn = byArnOrName(target.Arn);
      if (!fn) continue;
      schedules.push({
        ruleName: rule.Name ?? '',
        ruleArn: rule.Arn ?? '',
        expression: rule.ScheduleExpression ?? '',
        fn,
        ...(target.Input ? { input: target.Input } : {}),
        ...(target.InputTransformer?.InputTemplate
          ? { inputTransformer: { pathsMap: target.InputTransformer.InputPathsMap ?? {}, template: target.InputTransformer.InputTemplate } }
          : {}),
      });
    }
  }
  return { functions, mappings, schedules };
}

/** The event EventBridge sends a target of a schedule rule (no Input set) when the rule fires at `time`. */
export function scheduledEvent(schedule: Pick<DeployedSchedule, 'ruleArn'>, time: Date, id: string): Record<string, unknown> {
  const [, , , region = 'us-east-1', account = '123456789012'] = schedule.ruleArn.split(':');
  return {
    version: '0',
    id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: toProcoreTime(time.getTime()),
    region,
    resources: [schedule.ruleArn],
    detail: {},
  };
}

/**
 * The event a schedule rule's target receives at `time`: its constant Input, its input transformer
 * applied to the scheduled event (EventBridge puts a string value in quotes where the template
 * leaves the placeholder bare), or the scheduled event itself.
 */
export function ruleTargetEvent(schedule: DeployedSchedule, time: Date, id: string): unknown {
  if (schedule.input) return JSON.parse(schedule.input);
  const event = scheduledEvent(schedule, time, id);
  const transformer = schedule.inputTransformer;
  if (!transformer) return event;
  const valueAt = (jsonPath: string): unknown =>
    jsonPath
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], event);
  const filled = transformer.template.replace(/("?)<([\w.-]+)>("?)/g, (whole, open: string, name: string, close: string) => {
    const path = transformer.pathsMap[name];
    if (path === undefined) return whole;
    const value = valueAt(path);
    return open && close ? `"${String(value)}"` : `${open}${JSON.stringify(value)}${close}`;
  });
  return JSON.parse(filled);
}

/**
 * Turns moto's own event source mappings off. moto "plays" a mapping itself on every SendMessage:
 * it receives a batch (counting a receive per message), fails to invoke the function (no Docker,
 * no Lambda runtime) and leaves the messages, so they reach the DLQ after maxReceiveCount sends or
 * stay invisible for the visibility timeout. The local player plays the mappings instead.
 */
export async function disableMotoEventSourceMappings(lambda: LambdaClient, mappings: DeployedMapping[]): Promise<void> {
  for (const mapping of mappings) await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: false }));
}
