// The pull worker's two halves, each alone, for the bench's pipelining figures: `procore` reads a
// sync job's window with the worker's own window walk and Procore client (nothing delivered, the
// records kept in memory); `sqs` then delivers what was read with the worker's own delivery (no
// Procore), page by page as the worker does. The worker's wall time ÷ the larger of the two says how
// well it overlaps reading and delivering (1.0: fully; their sum ÷ the larger: not at all).
// Bundled like the handlers and run by measured-handler.ts, so it is measured the same way.
import { sqs } from '../../functions/commons/aws/clients';
import { procoreEnvironmentFrom, readEnv, WorkerEnvSchema } from '../../functions/commons/config/runtime-env';
import { silentLogger } from '../../functions/commons/observability/logger';
import { createProcoreClient } from '../../functions/commons/procore/runtime';
import { registryListSpecs } from '../../functions/pull/list-spec';
import { deliverRecords, windowChunks, type Totals } from '../../functions/pull/run-sync-job';
import { startPoint } from '../../functions/pull/start-point';
import type { SyncJob } from '../../functions/pull/sync-job';

export interface PullPartsEvent {
  part: 'procore' | 'sqs';
  job: SyncJob;
}

export interface PullPartsResult {
  records: number;
  pages: number;
}

const env = readEnv(WorkerEnvSchema);
const environment = procoreEnvironmentFrom(env);
const procore = createProcoreClient({ environment, secretId: env.DMSA_SECRET_ID, logger: silentLogger });
/** What the `procore` part read, for the `sqs` part to deliver. */
let read: unknown[][] = [];

async function readAlone(job: SyncJob): Promise<PullPartsResult> {
  read = [];
  const deps = { resources: registryListSpecs, procore, logger: silentLogger };
  for await (const chunk of windowChunks(job, startPoint(job, undefined, undefined), deps, { now: Date.now, deadline: Date.now() + 900_000 })) {
    if (chunk.items.length > 0) read.push(chunk.items);
  }
  return { records: read.reduce((sum, page) => sum + page.length, 0), pages: read.length };
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
  const pages = read.length;
  read = [];
  return { records: totals.records, pages };
}

export const handler = async (event: PullPartsEvent): Promise<PullPartsResult> => (event.part === 'procore' ? readAlone(event.job) : deliverAlone(event.job));
