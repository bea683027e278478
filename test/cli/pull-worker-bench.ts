// Just enough of the deployed pull path for the `sync` command tests: the Procore simulator, a
// state table, the sync-jobs and records queues in moto, and the REAL pull worker handler, fed by
// the local event source player (local/sqs-event-source.ts) as Lambda would feed it.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import type { SyncTable } from '../../functions/pull/state/cursor';
import { createStateTable } from '../../local/create-state-table';
import { queueArn } from '../../cli/aws/sqs';
import { playOneBatch, receiveMessages, type SqsHandler } from '../../local/sqs-event-source';
import { startSimulator, type ProcoreSimulator, type SimulatorOptions } from '../../simulator';
import { installedCompany, simulatorEnvironment, storeSimulatorSecret } from '../support/simulator-connection';

export interface PullWorkerBench {
  sim: ProcoreSimulator;
  sqs: SQSClient;
  table: SyncTable;
  queues: { jobs: string; jobsDlq: string; records: string };
  companyId: number;
  /** Runs the worker on the jobs queue until it is empty (continuations included). */
  drainJobs(): Promise<void>;
  /** Takes every record envelope on the records queue (then purges it). */
  takeRecords(): Promise<RecordEnvelope[]>;
  close(): Promise<void>;
}

export async function startPullWorkerBench(simulator: SimulatorOptions): Promise<PullWorkerBench> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const suffix = randomUUID().slice(0, 8);
  const sim = await startSimulator(simulator);
  const sqs = new SQSClient({});
  const dynamo = new DynamoDBClient({});
  const tableName = `cli-state-${suffix}`;
  await createStateTable(dynamo, tableName);
  const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: `cli-${name}-${suffix}` }))).QueueUrl!;
  const queues = { jobs: await queue('jobs'), jobsDlq: await queue('jobs-dlq'), records: await queue('records') };
  const jobsArn = await queueArn(sqs, queues.jobs);
  const secretId = `cli-dmsa-${suffix}`;
  await storeSimulatorSecret(sim, secretId);
  const company = installedCompany(sim);

  // The worker reads its configuration from the environment, as in Lambda (runtime-env.ts).
  Object.assign(process.env, {
    ...simulatorEnvironment(sim, secretId, tableName),
    SYNC_JOBS_QUEUE_URL: queues.jobs,
    SYNC_JOBS_DLQ_URL: queues.jobsDlq,
    RECORDS_QUEUE_URL: queues.records,
  });
  const { handler } = (await import('../../functions/pull/worker-handler')) as unknown as { handler: SqsHandler };

  return {
    sim,
    sqs,
    table: { db: DynamoDBDocumentClient.from(dynamo), tableName },
    queues,
    companyId: company.id,
    async drainJobs() {
      for (;;) {
        const outcome = await playOneBatch({ sqs, queueUrl: queues.jobs, queueArn: jobsArn, handler, batchSize: 10, functionTimeoutMs: 300_000 });
        if (!outcome) return;
        if (outcome.failed > 0) throw new Error(`the worker failed ${outcome.failed} job(s)`);
      }
    },
    async takeRecords() {
      const messages = await receiveMessages(sqs, queues.records, 10_000, { visibilityTimeout: 300 });
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queues.records }));
      return messages.map((m) => JSON.parse(m.Body ?? '') as RecordEnvelope);
    },
    close: () => sim.close(),
  };
}
