// How long a scope's lease runs: long enough that it cannot expire while the job's message still
// exists. A job message waits in the queue (the backlog), and one whose invocation fails or dies
// comes back only after the visibility timeout, up to maxReceiveCount receives before SQS moves it
// to the DLQ. The lease must outlast all of that, or the planner would enqueue a second job for the
// scope while the first is still due to come back. The worker renews it with every checkpoint and
// at every (continuation) start, so the span counts from the last sign of life.
// The stack computes it from the sync-jobs queue's settings and hands it to the functions as
// SYNC_LEASE_SECONDS; without it the defaults below (the stack's own defaults) apply.

export interface RedeliverySpan {
  /** The sync-jobs queue's redrive maxReceiveCount (the worker's attempts plus the spare receive). */
  maxReceiveCount: number;
  /** The sync-jobs queue's visibility timeout. */
  visibilityTimeoutSeconds: number;
  /** How long a job may wait in the queue before a worker takes it (the backlog the alarms allow). */
  backlogSeconds: number;
}

/** 3 attempts plus the spare receive, visibility 6 x the worker's 300 s timeout, a 2-hour backlog (the sync-jobs backlog alarm). */
const DEFAULT_REDELIVERY_SPAN: RedeliverySpan = { maxReceiveCount: 4, visibilityTimeoutSeconds: 1800, backlogSeconds: 7200 };

export function leaseSeconds(span: RedeliverySpan): number {
  return span.maxReceiveCount * span.visibilityTimeoutSeconds + span.backlogSeconds;
}

export const DEFAULT_SYNC_LEASE_MS = leaseSeconds(DEFAULT_REDELIVERY_SPAN) * 1000;

/** Lease duration from the SYNC_LEASE_SECONDS variable, or the default span's. */
export function leaseMsFrom(seconds: number | undefined): number {
  return seconds === undefined ? DEFAULT_SYNC_LEASE_MS : seconds * 1000;
}
