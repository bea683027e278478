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
//   reason: on the receive where ApproximateReceiveCount reaches the queue's maxReceiveCount (the
//   receive after which SQS's redrive would move it, anonymously) a retried failure, auth or
//   transient, is dead-lettered by the connector itself with its class and reason.
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
  /** The source queue's maxReceiveCount; unknown: the last retry is left to SQS's redrive. */
  maxReceiveCount?: number;
}

/** A queue message's failure: dead-letter it, return it to the queue, or hold it until `until`. */
export function queueDecision(path: QueuePath, failure: Failure, { attempts, maxReceiveCount }: Receive): QueueAction {
  if (DECISIONS[path][failure.kind] === 'dead-letter') return { action: 'dead-letter' };
  if (maxReceiveCount !== undefined && attempts >= maxReceiveCount) return { action: 'dead-letter' };
  if (failure.retryAt !== undefined) return { action: 'delay', until: failure.retryAt };
  return { action: 'retry' };
}

export function plannerDecision(failure: Failure): PlannerAction {
  return DECISIONS.planner[failure.kind];
}
