// The pull path's test bench: the Procore simulator, moto queues (sync jobs + its DLQ, records),
// a state table, a claim-check bucket and the DMSA secret, wired to the REAL planner and worker handlers through their
// environment variables. Events are built as AWS shapes them: an EventBridge scheduled event for
// the planner, SQS events from messages received off the moto jobs queue for the worker.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStateTable } from '../../../local/create-state-table';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../../../local/lambda-context';
import { consumeWhile } from '../../../local/queue-consumer';
import { deleteMessages, queueArn } from '../../../cli/aws/sqs';
import { receiveMessages, sqsRecordFromMessage } from '../../../local/sqs-event-source';
import { startSimulator, type ProcoreSimulator, type SimulatorOptions } from '../../../simulator';
import { installedCompany, simulatorEnvironment, storeSimulatorSecret } from '../../support/simulator-connection';
import { redriveMaxReceiveCount } from '../../../functions/commons/failure/decisions';
import type { SyncTable } from '../../../functions/pull/state/cursor';
import type { ResourceName } from '../../../functions/commons/resources/names';
import type { SyncConfig } from '../../../functions/pull/sync-config';
import type { RecordEnvelope } from '../../../functions/commons/contracts/record-envelope';
import { toProcoreTime } from '../../../functions/commons/contracts/procore-time';

/** The worker's attempts at a job, told to it as the stack tells it (the queue's redrive allows one receive more). */
export const JOBS_MAX_ATTEMPTS = 3;

type PlannerHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;
type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PullHarness {
  sim: ProcoreSimulator;
  sqs: SQSClient;
  table: SyncTable;
  queues: { jobs: string; jobsDlq: string; records: string };
  s3: S3Client;
  claimCheckBucket: string;
  companyId: number;
  /** The company's first project (the only one where the simulator seeds one per company). */
  projectId: number;
  /** The scope of `resource` in that project. */
  projectScope<R extends ResourceName>(resource: R): { companyId: number; projectId: number; resource: R };
  /**
   * A bulk edit: an hour on, every record of `resource` in that project changes in one second; a
   * minute later. Returns their ids and the window end of a pull then (it holds them all).
   */
  changeAllAtOnce(resource: ResourceName): { ids: number[]; windowEnd: string };
  planner: PlannerHandler;
  worker: WorkerHandler;
  /** Invokes the planner with a scheduled event whose time is the simulator's now (or `time`). */
  plan(time?: string): Promise<unknown>;
  /** One poll-invoke-delete cycle of the event source mapping; undefined when no job was visible. */
  invokeWorker(options?: { batchSize?: number; context?: () => Context; visibilityTimeout?: number }): Promise<WorkerInvocation | undefined>;
  /** Plays the event source mapping until the jobs queue is empty; returns the invocations made. */
  drainJobs(options?: { lanes?: number; batchSize?: number; context?: () => Context }): Promise<WorkerInvocation[]>;
  /** Runs `work` while consuming (receive + delete) the records queue; returns what arrived. */
  collectRecords(work: () => Promise<unknown>, options?: { receivers?: number }): Promise<ReceivedRecord[]>;
  close(): Promise<void>;
}

export interface WorkerInvocation {
  jobs: number;
  failures: number;
}

export interface ReceivedRecord {
  messageId: string;
  /** The message body as sent (JSON.parse rounds integers beyond 2^53; the body keeps their digits). */
  body: string;
  envelope: RecordEnvelope;
  attributes: Record<string, string | undefined>;
}

export function scheduledEvent(time: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/procore-connector-pull-schedule'],
    detail: {},
  };
}

/** Whole-second ISO time, as EventBridge writes `time`. */
export const eventTime = toProcoreTime;

/**
 * The test file's harness: started before its tests (beforeAll) and closed after them. The answer
 * stands for it from the start, so helpers at the top of a file can name it; using it before the
 * tests run throws.
 */
export function usePullHarness(options: Parameters<typeof startPullHarness>[0], timeoutMs = 60_000): PullHarness {
  let started: PullHarness | undefined;
  jest.setTimeout(timeoutMs);
  beforeAll(async () => {
    started = await startPullHarness(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as PullHarness, {
    get(_, key) {
      if (!started) throw new Error('the pull harness starts in beforeAll: use it inside a test');
      return Reflect.get(started, key);
    },
  });
}

/** One company with one project of `records` RFIs, served `perPage` to a page; the sync pulls RFIs alone. */
export function rfisOfOneProject(records: number, perPage: number): Pick<Parameters<typeof startPullHarness>[0], 'simulator' | 'sync'> {
  return {
    simulator: { maxPerPage: perPage, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: records, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  };
}

/** One company, one project, two vendors, a scope of vendors alone: the smallest pull there is. */
export const VENDORS_ONLY: Pick<Parameters<typeof startPullHarness>[0], 'simulator' | 'sync'> = {
  simulator: { data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 2, resources: ['projects', 'vendors'] } },
  sync: () => ({ companies: 'all', resources: ['vendors'] }),
};

export async function startPullHarness(options: {
  simulator: SimulatorOptions;
  sync: (companyId: number, sim: ProcoreSimulator) => Pick<SyncConfig, 'resources'> & Partial<SyncConfig>;
  /** Leave sync.discoveryCompanyId out (default: the first installed company). */
  withoutDiscoveryCompany?: boolean;
  /** More worker/planner environment (MAX_CONTINUATIONS, SYNC_LEASE_SECONDS, ...). */
  env?: Record<string, string>;
}): Promise<PullHarness> {
  // Powertools reads these when the handler modules load; keep test output readable.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_DEV = 'false';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const suffix = randomUUID().slice(0, 8);
  const sim = await startSimulator(options.simulator);
  const sqs = new SQSClient({});
  const dynamo = new DynamoDBClient({});
  const tableName = `pull-state-${suffix}`;
  await createStateTable(dynamo, tableName);
  const jobsDlq = (await sqs.send(new CreateQueueCommand({ QueueName: `pull-jobs-dlq-${suffix}` }))).QueueUrl!;
  const jobsDlqArn = await queueArn(sqs, jobsDlq);
  const jobs = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `pull-jobs-${suffix}`,
        Attributes: {
          VisibilityTimeout: '30',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: jobsDlqArn, maxReceiveCount: redriveMaxReceiveCount(JOBS_MAX_ATTEMPTS) }),
        },
      }),
    )
  ).QueueUrl!;
  const records = (await sqs.send(new CreateQueueCommand({ QueueName: `pull-records-${suffix}` }))).QueueUrl!;
  const jobsArn = await queueArn(sqs, jobs);
  const s3 = new S3Client({ forcePathStyle: true });
  const claimCheckBucket = `pull-claims-${suffix}`;
  await s3.send(new CreateBucketCommand({ Bucket: claimCheckBucket }));
  const secretId = `pull-dmsa-${suffix}`;
  await storeSimulatorSecret(sim, secretId);
  const company = installedCompany(sim);

  Object.assign(process.env, {
    ...simulatorEnvironment(sim, secretId, tableName),
    SYNC_JOBS_QUEUE_URL: jobs,
    SYNC_JOBS_DLQ_URL: jobsDlq,
    RECORDS_QUEUE_URL: records,
    MAX_ATTEMPTS: String(JOBS_MAX_ATTEMPTS),
    CLAIM_CHECK_BUCKET: claimCheckBucket,
    ...options.env,
    SYNC_CONFIG: JSON.stringify({
      ...(options.withoutDiscoveryCompany ? {} : { discoveryCompanyId: company.id }),
      initialLookbackDays: 3650,
      ...options.sync(company.id, sim),
    }),
  });
  const { handler: planner } = (await import('../../../functions/pull/planner-handler')) as unknown as { handler: PlannerHandler };
  const { handler: worker } = (await import('../../../functions/pull/worker-handler')) as unknown as { handler: WorkerHandler };

  const table: SyncTable = { db: DynamoDBDocumentClient.from(dynamo), tableName };
  const projectId = sim.store.projects(company.id)[0]?.id ?? 0;
  const harness: PullHarness = {
    sim,
    sqs,
    table,
    queues: { jobs, jobsDlq, records },
    s3,
    claimCheckBucket,
    companyId: company.id,
    projectId,
    projectScope: (resource) => ({ companyId: company.id, projectId, resource }),
    changeAllAtOnce(resource) {
      sim.clock.advance(3600_000);
      const ids = sim.store.list(resource, { companyId: company.id, projectId }).map((r) => r.id);
      sim.store.touch(resource, ids);
      sim.clock.advance(60_000);
      return { ids, windowEnd: eventTime(sim.clock.now()) };
    },
    planner,
    worker,
    plan: (time) => planner(scheduledEvent(time ?? eventTime(sim.clock.now())), lambdaContext({ timeoutMs: 300_000, functionName: 'planner' })),
    async invokeWorker({ batchSize = 1, context, visibilityTimeout = 30 } = {}) {
      const messages = await receiveMessages(sqs, jobs, batchSize, { visibilityTimeout });
      if (messages.length === 0) return undefined;
      const event: SQSEvent = { Records: messages.map((m) => sqsRecordFromMessage(m, jobsArn)) };
      const response = await worker(event, context?.() ?? lambdaContext({ timeoutMs: 900_000, functionName: 'worker' }));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      // As Lambda's event source mapping does: delete what succeeded, leave the failures to come back.
      await deleteMessages(
        sqs,
        jobs,
        messages.filter((m) => !failed.has(m.MessageId ?? '')),
      );
      return { jobs: messages.length, failures: failed.size };
    },
    async drainJobs({ lanes = 2, batchSize = 1, context } = {}) {
      const invocations: WorkerInvocation[] = [];
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          for (;;) {
            const invocation = await harness.invokeWorker({ batchSize, ...(context ? { context } : {}) });
            if (!invocation) return;
            invocations.push(invocation);
            if (invocation.failures > 0) throw new Error(`worker reported ${invocation.failures} failed job(s)`);
          }
        }),
      );
      return invocations;
    },
    async collectRecords(work, { receivers = 6 } = {}) {
      return (await consumeWhile(sqs, records, work, { receivers })).map(toReceived);
    },
    async close() {
      await sim.close();
    },
  };
  return harness;
}

function toReceived(message: Message): ReceivedRecord {
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    envelope: JSON.parse(message.Body ?? '') as RecordEnvelope,
    attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
  };
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}
