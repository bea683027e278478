// Waiting out a spent rate budget. Procore answers 429 until its window resets (X-Rate-Limit-Reset,
// or Retry-After when present: /work/shared/PROCORE.md "Rate limits"), and the hourly window can be
// an hour away, far past a worker's deadline. The pacer and the client wait within the deadline;
// past it they throw a transient ProcoreRateLimited with the reset time. Retried as a failure, the
// job would use up its attempts and be dead-lettered for nothing but a busy hour. Instead the worker
// checkpoints and hands the rest to a continuation held on the sync-jobs queue until the reset
// (DelaySeconds, at most 15 minutes: SQS's limit; a longer wait takes another hop, which finds the
// budget still spent without a request when its container's pacer remembers the window).
import { ProcoreError } from '../commons/procore/errors';

/** SQS's largest DelaySeconds (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html). */
export const MAX_DELAY_SECONDS = 900;

/** When the rate budget is back, for an error that says it is spent until then; else undefined. */
export function budgetResetAt(error: unknown): number | undefined {
  if (!(error instanceof ProcoreError) || error.errorClass !== 'ProcoreRateLimited') return undefined;
  return error.retryAt;
}

/** Seconds to hold a continuation until `notBefore` (whole seconds up, within SQS's limit). */
export function continuationDelaySeconds(notBefore: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((notBefore - now) / 1000)));
}
