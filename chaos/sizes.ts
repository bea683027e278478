// The chaos runs' sizes: FULL for `npm run chaos` (the issue's numbers), FAST for `npm test`.
// Function timeouts are scaled down from the stack's (worker 5 min, push 60 s: WORKER_TIMEOUT_SECONDS
// and PUSH_TIMEOUT_SECONDS in lib/constructs) so a killed invocation's messages come back within the
// run; each queue's visibility timeout stays above its function's timeout, as the stack requires. The
// worker's timeout stays above its 60 s hand-over margin plus 10 s reserve so a full-size job reads
// several pages before handing over.
import type { BadInputSizes } from './scenarios/bad-input';
import type { PullChaosSizes } from './scenarios/pull';
import type { PushChaosSizes } from './scenarios/push';
import type { WebhookChaosSizes } from './scenarios/webhooks';

export interface ChaosSizes {
  pull: PullChaosSizes;
  push: PushChaosSizes;
  badInput: BadInputSizes;
  webhooks: WebhookChaosSizes;
}

export const FULL: ChaosSizes = {
  pull: {
    records: 10_000,
    projects: 5,
    resources: ['rfis', 'submittals'],
    pageSize: 100,
    workerTimeoutSeconds: 75,
    workers: 2,
    killAtShare: 0.3,
    invalidateAtShare: 0.5,
    maxDurationMs: 6 * 60_000,
  },
  push: {
    messages: 1_000,
    functionTimeoutSeconds: 20,
    workers: 2,
    batchSize: 10,
    maxReceiveCount: 5,
    killAtInvocation: 20,
    killDelayMs: 300,
    invalidateAtInvocation: 40,
    killAfterAnswerAtInvocation: 30,
    aws: { stateWriteFailureRate: 0.1, sendBatchPartialRate: 0.1, sendBatchFailureRate: 0.05, secretReadsRefused: 6 },
    // The AWS faults add retries after the visibility timeout: measured 351 s on a loaded 2-core machine.
    maxDurationMs: 10 * 60_000,
  },
  badInput: { batchSize: 10, functionTimeoutSeconds: 20, maxDurationMs: 60_000 },
  // The consumer's timeout stays above its 10 s finish reserve (handle-event-batch.ts).
  // The issue's: 1,000 changes in 10 s, 10 % duplicates, shuffled order, 5 % dropped by the sender.
  webhooks: {
    events: 1_000,
    seconds: 10,
    projects: 5,
    recordsPerProject: 100,
    duplicateRate: 0.1,
    outOfOrderRate: 0.2,
    dropRate: 0.05,
    forged: 20,
    malformed: 20,
    consumers: 2,
    consumerTimeoutSeconds: 15,
    killAtInvocation: 3,
    // A hook's deliveries go out one at a time (~70-120 ms each here, more on a loaded machine):
    // the events consumers' play must outlast the 1,100 of them.
    maxDurationMs: 8 * 60_000,
  },
};

// FAST is FULL at a smaller size: only what differs is stated. The worker's timeout below its
// hand-over margin makes every page a continuation job: more jobs, more hand-overs, and a short wait
// for the killed job.
export const FAST: ChaosSizes = {
  pull: { ...FULL.pull, records: 300, projects: 3, pageSize: 20, workerTimeoutSeconds: 16, killAtShare: 0.2, maxDurationMs: 120_000 },
  push: {
    ...FULL.push,
    messages: 60,
    functionTimeoutSeconds: 10,
    killAtInvocation: 2,
    invalidateAtInvocation: 3,
    killAfterAnswerAtInvocation: 4,
    aws: { ...FULL.push.aws, stateWriteFailureRate: 0.15, sendBatchPartialRate: 0.2, sendBatchFailureRate: 0.1 },
    maxDurationMs: 120_000,
  },
  badInput: { ...FULL.badInput, functionTimeoutSeconds: 10 },
  webhooks: {
    ...FULL.webhooks,
    events: 150,
    seconds: 3,
    projects: 2,
    recordsPerProject: 40,
    forged: 5,
    malformed: 6,
    killAtInvocation: 2,
    maxDurationMs: 120_000,
  },
};
