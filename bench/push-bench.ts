// Push scenarios: 1,000 messages through the real push handler (bundled, in its own process), fed
// in batches of the stack's default size by the event source mapping played locally. One resource
// Procore can batch-upsert (/sync), one it cannot (one write per message), and the /sync one on a
// FIFO queue over 50 message groups, each group's order checked in what the simulator wrote. Each
// scenario's writes are audited: none may carry an origin_id its message did not (simulator/origin-id-audit.ts).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { queueArn } from '../cli/aws/sqs';
import type { ConnectorScenario } from '../local/scenario/connector-scenario';
import { mulberry32 } from '../simulator/prng';
import { sendMessageBatches } from '../functions/commons/queues/sqs-batch-sender';
import { startFunctionHost } from '../local/function-host';
import { countedEnv, drain, freshStart, restRequests, sqsRequests, type BenchContext } from './bench-context';
import { PUSH_MEMORY_MB, PUSH_TIMEOUT_SECONDS } from '../lib/constructs/push-pipeline';
import { auditOriginIds, originIdsOfMessages, type OriginIdAudit } from '../simulator';

/** The stack's default (lib/config/stage-config.ts). */
const PUSH_BATCH_SIZE = 10;
const MEASURED_HANDLER = path.join(__dirname, 'child', 'measured-handler.ts');

export interface PushMeasurement {
  kind: 'sync-capable' | 'one-write-per-message' | 'sync-capable, FIFO';
  resource: string;
  messages: number;
  applied: number;
  deadLettered: number;
  procoreRequests: number;
  procoreWrites: number;
  rateLimited: number;
  tokenRequests: number;
  sqsRequests: Record<string, number>;
  sqsRequestTotal: number;
  dynamoRequestTotal: number;
  invocations: number;
  wallMs: number;
  /** FIFO: message groups, and whether the simulator wrote every group's messages in the group's order (checked; a break fails the bench). */
  fifo?: { groups: number; orderKept: true };
  /** The scenario's Procore writes, and each origin_id in them no message carried: the bench fails unless none. */
  originIds: OriginIdAudit;
}

/** One push upsert of a vendor keyed by `originId` (the bench's standard and FIFO scenarios). */
function vendorUpsert(companyId: number, id: string, originId: string, name: string): object {
  return { version: 1, id, companyId, resource: 'vendors', operation: 'upsert', originId, data: { name, trade_name: 'Concrete' } };
}

export function vendorUpserts(companyId: number, count: number): object[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) => vendorUpsert(companyId, `bench-vendor-${run}-${i}`, `ERP-BENCH-${run}-${i}`, `Bench Vendor ${i}`));
}

export function rfiCreates(companyId: number, projectId: number, managerId: number, count: number): object[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) => ({
    version: 1,
    id: `bench-rfi-${run}-${i}`,
    companyId,
    projectId,
    resource: 'rfis',
    operation: 'create',
    data: { subject: `Bench RFI ${i}`, rfi_manager_id: managerId, question: { body: `Which detail applies at grid ${i}?` } },
  }));
}

type PushQueues = Pick<ConnectorScenario['queues'], 'push' | 'pushDlq' | 'results'>;

/** `count` upserts over `groups` message groups: group g's messages all write its one vendor, numbered in order. */
function fifoVendorUpserts(companyId: number, count: number, groups: number): { messages: object[]; groupOf: (index: number) => string } {
  const run = randomUUID().slice(0, 8);
  // Groups drawn at random (seeded), as independent producers interleave them.
  const random = mulberry32(count * 31 + groups);
  const group = Array.from({ length: count }, () => Math.floor(random() * groups));
  const messages = group.map((g, i) => vendorUpsert(companyId, `bench-fifo-${run}-${i}`, `ERP-FIFO-${run}-${g}`, `FIFO ${run} ${g} ${i}`));
  return { messages, groupOf: (index) => `group-${group[index]}` };
}

/** The FIFO push queue and its FIFO DLQ, as a FIFO stage has them (results stay on the standard queue, as in the stack). */
async function fifoPushQueues(context: BenchContext): Promise<PushQueues> {
  const { sqs, queues } = context.scenario;
  const suffix = randomUUID().slice(0, 8);
  const queue = async (name: string, attributes: Record<string, string>) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${suffix}.fifo`, Attributes: { FifoQueue: 'true', ...attributes } }))).QueueUrl!;
    return { url, arn: await queueArn(sqs, url) };
  };
  const pushDlq = await queue('bench-push-dlq', {});
  const push = await queue('bench-push', {
    VisibilityTimeout: '90',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: pushDlq.arn, maxReceiveCount: 5 }),
  });
  return { push, pushDlq, results: queues.results };
}

/**
 * The sync-capable upserts on a FIFO queue over `groups` message groups. Every vendor the simulator
 * writes is noted in order; each group's vendor must have been written by its messages in the
 * order they were sent (else the bench fails).
 */
export async function measureFifoPush(context: BenchContext, count: number, groups: number): Promise<PushMeasurement> {
  const { companyId, sim } = context.scenario;
  const { messages, groupOf } = fifoVendorUpserts(companyId, count, groups);
  const written: string[] = [];
  const { store } = sim;
  const update = store.update;
  const insert = store.insert;
  const note = (fields: Record<string, unknown>) => {
    if (typeof fields.name === 'string' && fields.name.startsWith('FIFO ')) written.push(fields.name);
  };
  store.update = (resource, id, fields, at) => {
    note(fields);
    return update.call(store, resource, id, fields, at);
  };
  store.insert = (resource, scope, fields, at) => {
    note(fields);
    return insert.call(store, resource, scope, fields, at);
  };
  try {
    const measured = await measurePush(context, 'sync-capable, FIFO', 'vendors', messages, { queues: await fifoPushQueues(context), groupOf });
    requireGroupOrder(written, messages.length);
    return { ...measured, fifo: { groups, orderKept: true } };
  } finally {
    store.update = update;
    store.insert = insert;
  }
}

/** Each group's writes (name `FIFO <run> <group> <index>`) in ascending index, every message written. */
function requireGroupOrder(written: string[], count: number): void {
  const last = new Map<string, number>();
  const seen = new Set<number>();
  for (const name of written) {
    const [, , group, index] = name.split(' ');
    const n = Number(index);
    // A redelivered message may write again (same index); an earlier index after a later one is a break.
    if ((last.get(group!) ?? -1) > n) throw new Error(`FIFO order broken in group ${group}: message ${n} written after ${last.get(group!)}`);
    last.set(group!, n);
    seen.add(n);
  }
  if (seen.size !== count) throw new Error(`FIFO push wrote ${seen.size} of ${count} messages`);
}

async function queueDepth(context: BenchContext, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await context.scenario.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

export async function measurePush(
  context: BenchContext,
  kind: PushMeasurement['kind'],
  resource: string,
  messages: object[],
  fifo?: { queues: PushQueues; groupOf: (index: number) => string },
): Promise<PushMeasurement> {
  const { scenario } = context;
  const queues = fifo?.queues ?? scenario.queues;
  await sendMessageBatches(
    scenario.sqs,
    queues.push.url,
    messages.map((m, i) => ({ body: JSON.stringify(m), ...(fifo ? { groupId: fifo.groupOf(i), deduplicationId: (m as { id: string }).id } : {}) })),
    // FIFO: one call at a time, so each group's messages go in order.
    { concurrency: fifo ? 1 : 4 },
  );
  const env = fifo ? { ...scenario.env.push, PUSH_QUEUE_URL: queues.push.url, PUSH_DLQ_URL: queues.pushDlq.url } : scenario.env.push;
  const host = await startFunctionHost({
    entry: MEASURED_HANDLER,
    env: countedEnv(context, env, context.bundles.push),
    functionName: 'push',
    timeoutMs: PUSH_TIMEOUT_SECONDS * 1000,
    memoryMb: PUSH_MEMORY_MB,
  });
  try {
    freshStart(context);
    const started = performance.now();
    // Until the push queue is empty; messages a batch failed come back after their visibility timeout.
    const invocations = await drain(context, host, { what: 'push', queue: queues.push, batchSize: PUSH_BATCH_SIZE, maxDurationMs: 5 * 60_000 });
    const wallMs = performance.now() - started;
    const results = await queueDepth(context, queues.results.url);
    const dead = await queueDepth(context, queues.pushDlq.url);
    await Promise.all([queues.results.url, queues.pushDlq.url].map((url) => scenario.sqs.send(new PurgeQueueCommand({ QueueUrl: url }))));
    return {
      kind,
      resource,
      messages: messages.length,
      applied: results.visible - dead.visible,
      deadLettered: dead.visible,
      ...restRequests(context),
      procoreWrites: scenario.sim.requests().filter((r) => r.path.startsWith('/api/rest/') && r.method !== 'GET').length,
      ...sqsRequests(context),
      dynamoRequestTotal: context.counter.total('DynamoDB_20120810'),
      invocations,
      wallMs,
      originIds: auditOriginIds(scenario.sim.requests(), originIdsOfMessages(messages)),
    };
  } finally {
    await host.close();
  }
}
