// The planner and worker cores (planSync, handleSyncJobMessage) on the simulator's movable clock,
// for tests that span simulated hours or days (back-off, the daily cadence of inactive projects):
// the handlers read the real clock, these get `now` injected. Same Procore client, queues and
// state table as the harness's handlers.
import { sqsQueueEdge } from '../../../functions/commons/queues/sqs-adapter';
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { silentLogger } from '../../../functions/commons/observability/logger';
import { secretsManagerCredentials } from '../../../functions/commons/credentials/dmsa-secret';
import { ProcoreClient } from '../../../functions/commons/procore/client';
import { RatePacer } from '../../../functions/commons/procore/rate-pacer';
import { TokenProvider } from '../../../functions/commons/procore/token-provider';
import { handleSyncJobMessage, type SyncJobMessageResult } from '../../../functions/pull/handle-sync-job-message';
import { registryListSpecs } from '../../../functions/pull/list-spec';
import { planSync, type PlanResult } from '../../../functions/pull/plan-sync';
import { SyncConfigSchema, type SyncConfig } from '../../../functions/pull/sync-config';
import { queueArn } from '../../../cli/aws/sqs';
import { receiveMessages, sqsRecordFromMessage } from '../../../local/sqs-event-source';
import { eventTime, type PullHarness } from './pull-harness';

export interface SimClockRunner {
  /** planSync at the simulator's now (windowEnd too), with this runner's config. */
  plan(): Promise<PlanResult>;
  /** Runs every queued job (continuations included) until the jobs queue is empty. */
  drain(): Promise<SyncJobMessageResult[]>;
  /** Metrics the planner counted, summed by name. */
  metrics: Map<string, number>;
}

export async function simClockRunner(h: PullHarness, config: Partial<SyncConfig> & Pick<SyncConfig, 'resources'>): Promise<SimClockRunner> {
  const now = () => h.sim.clock.now();
  // Client, token cache and pacer on the simulator's clock too: deadlines, token expiry and rate-limit
  // resets are all read against the time Procore (the simulator) lives in.
  const environment = { name: 'custom' as const, loginUrl: h.sim.loginUrl, apiUrl: h.sim.apiUrl };
  const tokens = new TokenProvider({ environment, credentials: secretsManagerCredentials(process.env.DMSA_SECRET_ID!), clock: now });
  const procore = new ProcoreClient({ environment, tokens, pacer: new RatePacer({ clock: now }), clock: now });
  const parsed = SyncConfigSchema.parse({ initialLookbackDays: 3650, ...config });
  const jobsArn = await queueArn(h.sqs, h.queues.jobs);
  const metrics = new Map<string, number>();
  return {
    metrics,
    plan: () =>
      planSync(parsed, eventTime(now()), {
        procore,
        sqs: h.sqs,
        table: h.table,
        syncJobsQueueUrl: h.queues.jobs,
        resources: registryListSpecs,
        logger: silentLogger,
        now,
        countMetric: (name, value) => metrics.set(name, (metrics.get(name) ?? 0) + value),
      }),
    async drain() {
      const results: SyncJobMessageResult[] = [];
      for (;;) {
        const messages = await receiveMessages(h.sqs, h.queues.jobs, 10, { visibilityTimeout: 30 });
        if (messages.length === 0) return results;
        for (const message of messages) {
          results.push(
            await handleSyncJobMessage(sqsRecordFromMessage(message, jobsArn), {
              procore,
              sqs: h.sqs,
              table: h.table,
              queues: { syncJobs: h.queues.jobs, syncJobsDeadLetter: h.queues.jobsDlq, records: h.queues.records },
              queueEdge: sqsQueueEdge(h.sqs, { sourceQueueUrl: h.queues.jobs, logger: silentLogger }),
              environment: 'custom',
              resources: registryListSpecs,
              logger: silentLogger,
              remainingMs: () => 300_000,
              now,
            }),
          );
          await h.sqs.send(new DeleteMessageCommand({ QueueUrl: h.queues.jobs, ReceiptHandle: message.ReceiptHandle! }));
        }
      }
    },
  };
}
