// Putting sync jobs on the sync-jobs queue (the planner's jobs and workers' continuations), and
// asking whether jobs wait there (a worker lets them go first at the end of its turn: fair-turn.ts).
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sendMessageBatches } from '../commons/queues/sqs-batch-sender';
import { jobMessageAttributes, SyncJobSchema, type SyncJob } from './sync-job';

/** `delaySeconds` holds the jobs back (a continuation waiting for the rate budget's reset). */
export async function enqueueSyncJobs(sqs: SQSClient, queueUrl: string, jobs: SyncJob[], delaySeconds = 0): Promise<void> {
  const messages = jobs.map((job) => ({
    body: JSON.stringify(SyncJobSchema.parse(job)),
    attributes: jobMessageAttributes(job),
    ...(delaySeconds > 0 ? { delaySeconds } : {}),
  }));
  await sendMessageBatches(sqs, queueUrl, messages);
}

/** Whether jobs are visible on the queue now (held-back ones and those in flight do not count). The
 * count is approximate in SQS, which is good enough to decide whose turn it is. The send grant of the
 * worker includes sqs:GetQueueAttributes (CDK grantSendMessages). */
export async function syncJobsWaiting(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) > 0;
}
