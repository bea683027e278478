// Push scenarios: 1,000 messages through the real push handler (bundled, in its own process), fed
// in batches of the stack's default size by the event source mapping played locally. One resource
// Procore can batch-upsert (/sync), one it cannot (one write per message). Each scenario's writes
// are audited: none may carry an origin_id its message did not (simulator/origin-id-audit.ts).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { sendMessageBatches } from '../functions/commons/queues/sqs-batch-sender';
import { startFunctionHost } from '../local/function-host';
import { countedEnv, drain, freshStart, restRequests, sqsRequests, type BenchContext } from './bench-context';
import { PUSH_MEMORY_MB, PUSH_TIMEOUT_SECONDS } from '../lib/constructs/push-pipeline';
import { auditOriginIds, originIdsOfMessages, type OriginIdAudit } from '../simulator';

/** The stack's default (lib/config/stage-config.ts). */
const PUSH_BATCH_SIZE = 10;
const MEASURED_HANDLER = path.join(__dirname, 'child', 'measured-handler.ts');

export interface PushMeasurement {
  kind: 'sync-capable' | 'one-write-per-message';
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
  /** The scenario's Procore writes, and each origin_id in them no message carried: the bench fails unless none. */
  originIds: OriginIdAudit;
}

export function vendorUpserts(companyId: number, count: number): object[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) => ({
    version: 1,
    id: `bench-vendor-${run}-${i}`,
    companyId,
    resource: 'vendors',
    operation: 'upsert',
    originId: `ERP-BENCH-${run}-${i}`,
    data: { name: `Bench Vendor ${i}`, trade_name: 'Concrete' },
  }));
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

async function queueDepth(context: BenchContext, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await context.scenario.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

export async function measurePush(context: BenchContext, kind: PushMeasurement['kind'], resource: string, messages: object[]): Promise<PushMeasurement> {
  const { scenario } = context;
  const queues = scenario.queues;
  await sendMessageBatches(
    scenario.sqs,
    queues.push.url,
    messages.map((m) => ({ body: JSON.stringify(m) })),
    { concurrency: 4 },
  );
  const host = await startFunctionHost({
    entry: MEASURED_HANDLER,
    env: countedEnv(context, scenario.env.push, context.bundles.push),
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
