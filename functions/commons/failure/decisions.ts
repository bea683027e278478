// What each path does with a classified failure, side by side. Where they differ, they differ on
// purpose:
//
//   kind       push message          sync job (worker)                  planner (per company)          webhook event
//   permanent  dead-letter now       dead-letter now + record failure   skip the company, run succeeds dead-letter now
//   transient  retry (delay until    retry (delay until retryAt)        skip the company, run fails    retry (delay until retryAt)
//              retryAt when known)
//   auth       retry                 retry                              fail the run at once           retry
//
// - Push and worker agree: both answer for one queue message. Permanent failures leave at once so
//   the rest of the batch (and a FIFO group) goes on; the worker also records the failure beside
//   the scope's cursor and releases its lease, because a scope has state and a push message has none.
// - A webhook event (events queue) is a queue message like a push message and is decided the same
//   way; it is its own row because its consequences differ: its dedupe claim is released whatever
//   the decision (so a redelivery or a redrive is not taken for a duplicate), and a permanent failure
//   (a project no longer permitted: 403/404 on the targeted read) loses nothing for good, since the
//   scope's reconciliation pull delivers the record or its removal.
// - Auth is retried, never dead-lettered at once: it is the deployment's problem (a missing or
//   rotated secret), not the message's, and dead-lettering every message the moment a secret is
//   missing would empty the queue into the DLQ. But a message must not reach the DLQ without its
//   reason: on the receive that spends the connector's attempt budget (stage config
//   `maxReceiveCount`, MAX_ATTEMPTS) a retried failure, auth or transient, is dead-lettered by the
//   connector itself with its class and reason.
// - The queue's redrive allows one receive more than that budget. A message received again after
//   the last attempt (that attempt died: crash, timeout, out of memory, or SQS refused what it
//   sent) is dead-lettered at once, without calling Procore, as PreviousAttemptDied; only a death
//   on that spare receive too leaves the move to SQS's redrive, without a reason.
// - One transient failure never reaches the worker's row: a rate budget spent past the invocation's
//   deadline (ProcoreRateLimited with its reset time). The worker checkpoints what it delivered and
//   holds a continuation until the reset (functions/pull/rate-limit-wait.ts), spending no attempt: a
//   busy hour is the budget working, not the job failing.
// - The planner has no message to retry, only a schedule: a company that refuses for good (403, app
//   not installed) must not fail every run; one that may pass fails the run (the failure queue and
//   alarm show it, the next schedule retries) after the other companies were planned; auth fails
//   the run at once, since every company would fail the same way.
import type { Failure, FailureKind } from './classify';

type QueuePath = 'push' | 'worker' | 'webhook';
type QueueAction = { action: 'dead-letter' } | { action: 'retry' } | { action: 'delay'; until: number };
type PlannerAction = 'skip-company' | 'skip-company-and-fail-run' | 'fail-run';

/** The table above, as the code reads it. */
export const DECISIONS = {
  push: { permanent: 'dead-letter', transient: 'retry', auth: 'retry' },
  worker: { permanent: 'dead-letter', transient: 'retry', auth: 'retry' },
  webhook: { permanent: 'dead-letter', transient: 'retry', auth: 'retry' },
  planner: { permanent: 'skip-company', transient: 'skip-company-and-fail-run', auth: 'fail-run' },
} as const satisfies Record<QueuePath, Record<FailureKind, 'dead-letter' | 'retry'>> & { planner: Record<FailureKind, PlannerAction> };

interface Receive {
  /** SQS ApproximateReceiveCount of this delivery. */
  attempts: number;
  /** Attempts the connector makes (the queue's maxReceiveCount is one more); unknown: SQS's redrive decides. */
  maxAttempts?: number;
}

/** A queue message's failure: dead-letter it, return it to the queue, or hold it until `until`. */
export function queueDecision(path: QueuePath, failure: Failure, { attempts, maxAttempts }: Receive): QueueAction {
  if (DECISIONS[path][failure.kind] === 'dead-letter') return { action: 'dead-letter' };
  if (isLastAttempt({ attempts, maxAttempts })) return { action: 'dead-letter' };
  if (failure.retryAt !== undefined) return { action: 'delay', until: failure.retryAt };
  return { action: 'retry' };
}

/** Whether this receive is the connector's last attempt: a failure now is dead-lettered, not retried. */
export function isLastAttempt({ attempts, maxAttempts }: Receive): boolean {
  return maxAttempts !== undefined && attempts >= maxAttempts;
}

/**
 * The failure of a message received after the connector's last attempt (the redrive's spare
 * receive): that attempt ended without an answer, so the message is dead-lettered before any work.
 */
export function previousAttemptDied({ attempts, maxAttempts }: Receive): Failure | undefined {
  if (maxAttempts === undefined || attempts <= maxAttempts) return undefined;
  return {
    kind: 'permanent',
    errorClass: PREVIOUS_ATTEMPT_DIED,
    reason: `the previous attempt ended without an answer: crash, timeout or out of memory (or SQS refused what it sent); received ${attempts} times, the connector makes ${maxAttempts} attempts`,
  };
}

const PREVIOUS_ATTEMPT_DIED = 'PreviousAttemptDied';

/** The source queue's redrive maxReceiveCount for `maxAttempts` connector attempts: one spare receive (see above). */
export function redriveMaxReceiveCount(maxAttempts: number): number {
  return maxAttempts + 1;
}

export function plannerDecision(failure: Failure): PlannerAction {
  return DECISIONS.planner[failure.kind];
}
