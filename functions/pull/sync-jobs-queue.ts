// Putting sync jobs on the sync-jobs queue (the planner's jobs and workers' continuations).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendMessageBatches } from '../commons/queues/sqs-batch-sender';
import { jobMessageAttributes, SyncJobSchema, type SyncJob } from './sync-job';

export async function enqueueSyncJobs(sqs: SQSClient, queueUrl: string, jobs: SyncJob[]): Promise<void> {
  const messages = jobs.map((job) => ({ body: JSON.stringify(SyncJobSchema.parse(job)), attributes: jobMessageAttributes(job) }));
  await sendMessageBatches(sqs, queueUrl, messages);
}
