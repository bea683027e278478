// The pull worker's two halves, each alone, for the bench's pipelining figures: `procore` reads a
// sync job's window with the worker's own window walk and Procore client (nothing delivered, the
// records kept in memory); `sqs` then delivers what was read with the worker's own delivery (no
// Procore), page by page as the worker does. The worker's wall time ÷ the larger of the two says how
// well it overlaps reading and delivering (1.0: fully; their sum ÷ the larger: not at all).
// `sqs-floor` sends the same records' SendMessageBatch entries, built beforehand, with the worker's
// own SendMessageBatch request (functions/commons/aws/sqs-message-batch-request.ts) and nothing else:
// the delivery path's floor under the worker's CPU per record.
// Each part reports the CPU it took in this process.
// Bundled like the handlers and run by measured-handler.ts, so it is measured the same way.
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { sendMessageBatchRequest } from '../../functions/commons/aws/sqs-message-batch-request';
import { sqs } from '../../functions/commons/aws/clients';
import { procoreEnvironmentFrom, readEnv, WorkerEnvSchema } from '../../functions/commons/config/runtime-env';
import { silentLogger } from '../../functions/commons/observability/logger';
import { createProcoreClient } from '../../functions/commons/procore/runtime';
import { registryListSpecs } from '../../functions/pull/list-spec';
import { deliverRecords, windowChunks, type Totals } from '../../functions/pull/run-sync-job';
import { DELIVERY_CONCURRENCY, envelopeFor, envelopeMessage } from '../../functions/pull/record-envelopes';
import { packBatches, sqsMessageFields } from '../../functions/commons/queues/sqs-batch-sender';
import { scopeOfJob } from '../../functions/pull/sync-job';
import { startPoint } from '../../functions/pull/start-point';
import type { SyncJob } from '../../functions/pull/sync-job';
import { childUsage } from './resource-usage';

export interface PullPartsEvent {
  part: 'procore' | 'sqs' | 'sqs-floor';
  job: SyncJob;
}

export interface PullPartsResult {
  records: number;
  pages: number;
  /** CPU this process spent on the part (for sqs-floor: on the sends alone). */
  cpuMicros: number;
}

const env = readEnv(WorkerEnvSchema);
const environment = procoreEnvironmentFrom(env);
const procore = createProcoreClient({ environment, secretId: env.DMSA_SECRET_ID, logger: silentLogger });
/** What the `procore` part read, for the `sqs` part to deliver and then `sqs-floor` to send. */
let read: unknown[][] = [];

async function readAlone(job: SyncJob): Promise<PullPartsResult> {
  read = [];
  const deps = { resources: registryListSpecs, procore, logger: silentLogger };
  for await (const chunk of windowChunks(job, startPoint(job, undefined, undefined), deps, { now: Date.now, deadline: Date.now() + 900_000 })) {
    if (chunk.items.length > 0) read.push(chunk.items);
  }
  return { records: read.reduce((sum, page) => sum + page.length, 0), pages: read.length, cpuMicros: 0 };
}

async function deliverAlone(job: SyncJob): Promise<PullPartsResult> {
  const totals: Totals = { records: 0, claimChecked: 0, quarantined: 0, pages: 0 };
  const deps = {
    sqs,
    queues: { syncJobs: env.SYNC_JOBS_QUEUE_URL, records: env.RECORDS_QUEUE_URL },
    environment: environment.name,
    logger: silentLogger,
    claimCheck: undefined,
  };
  for (const page of read) await deliverRecords(page, job, deps, totals);
  // Kept for sqs-floor, which runs after this part: warm, as the worker is once it has sent a page.
  return { records: totals.records, pages: read.length, cpuMicros: 0 };
}

/** The records read, as the worker's SendMessageBatch entries (built before the clock starts), sent page by page as many calls at a time as the worker sends them. */
async function sendAlone(job: SyncJob): Promise<PullPartsResult> {
  const context = { environment: environment.name, scope: scopeOfJob(job), syncedAt: new Date().toISOString() };
  const pages = read.map((page) =>
    packBatches(page.map((record) => envelopeMessage(envelopeFor(record, context)))).map((batch) =>
      batch.map((message, index): SendMessageBatchRequestEntry => ({ Id: String(index), ...sqsMessageFields(message) })),
    ),
  );
  const before = childUsage().cpuMicros;
  let records = 0;
  for (const batches of pages) {
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const Entries = batches[next++]!;
        const failed = await sendMessageBatchRequest(sqs, env.RECORDS_QUEUE_URL, Entries);
        if (failed.length > 0) throw new Error(`SQS failed ${failed.length} entries`);
        records += Entries.length;
      }
    };
    await Promise.all(Array.from({ length: DELIVERY_CONCURRENCY }, lane));
  }
  const cpuMicros = childUsage().cpuMicros - before;
  read = [];
  return { records, pages: pages.length, cpuMicros };
}

const PARTS = { procore: readAlone, 'sqs-floor': sendAlone, sqs: deliverAlone } satisfies Record<
  PullPartsEvent['part'],
  (job: SyncJob) => Promise<PullPartsResult>
>;

export const handler = async (event: PullPartsEvent): Promise<PullPartsResult> => {
  const before = childUsage().cpuMicros;
  const result = await PARTS[event.part](event.job);
  return event.part === 'sqs-floor' ? result : { ...result, cpuMicros: childUsage().cpuMicros - before };
};
