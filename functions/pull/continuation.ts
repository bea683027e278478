// Continuations and Lambda's recursive loop detection. A worker short of time puts the rest of its
// job back on the sync-jobs queue, the queue that triggers the worker: SQS -> Lambda -> the same
// SQS queue. Lambda tracks such chains through the X-Ray trace header the SDK adds to every
// SendMessage (its Lineage field counts the function's invocations in one chain), and with the
// default recursive loop setting (Terminate) it stops the next invocation once a chain passes 16,
// sending the message to the queue's DLQ if there is one and otherwise dropping it.
// Sources: https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html and
// https://aws.amazon.com/about-aws/whats-new/2023/07/aws-lambda-detects-recursive-loops-lambda-functions/
// (the setting is the function's RecursiveLoop, Allow | Terminate; CDK `recursiveLoop`).
// The connector bounds its own chains instead: each job message counts its continuations, and at
// MAX_CONTINUATIONS the job pauses (keeps its checkpoint, gives its lease back, records why); the
// next planner run's job for the scope adopts the checkpoint and carries on from there. The default
// bound stays under Lambda's, so a function left at Terminate never has a chain cut; a stack that
// sets the worker to Allow may raise MAX_CONTINUATIONS as far as it likes.
import type { SyncJob } from './sync-job';
import type { WindowPosition } from './window-walk';

/** Lambda's chain limit: a chain's invocations past this are stopped (recursive loop setting Terminate). */
export const LAMBDA_RECURSION_LIMIT = 16;

/** Continuations per chain by default: the planner's invocation plus 14 more stays 1 below Lambda's 16. */
export const DEFAULT_MAX_CONTINUATIONS = LAMBDA_RECURSION_LIMIT - 2;

/** How many continuations came before this invocation of the job (0: the planner's own message). */
export function continuationCount(job: SyncJob): number {
  return job.continuation ?? 0;
}

/** The job message that carries on from `position` in the same window (already checkpointed). */
export function continuationOf(job: SyncJob, window: { start: string; end: string }, position: WindowPosition): SyncJob {
  const { seenTotal: _total, sliceSeconds: _width, startPage: _page, resumeFrom: _from, ...rest } = job;
  return {
    ...rest,
    windowStart: window.start,
    windowEnd: window.end,
    resumeFrom: position.from,
    ...(position.page > 1 ? { startPage: position.page } : {}),
    ...(position.seenTotal === undefined ? {} : { seenTotal: position.seenTotal }),
    ...(position.sliceSeconds === undefined ? {} : { sliceSeconds: position.sliceSeconds }),
    continuation: continuationCount(job) + 1,
  };
}

/** True when one more continuation would pass the bound: the job pauses instead. */
export function continuationLimitReached(job: SyncJob, maxContinuations: number): boolean {
  return continuationCount(job) + 1 > maxContinuations;
}
