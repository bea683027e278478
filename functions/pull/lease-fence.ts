// Fencing by job id: a worker writes a scope's checkpoint and cursor only while its job holds the
// scope's lease, and each such write is one DynamoDB transaction with the lease condition in it, so
// a job that lost its lease (it expired and another job took the scope) cannot write anything after
// that moment. It learns so at its next write and stops: at most the page it was delivering is
// delivered twice (once by it, once by the job that took over from the checkpoint).
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { deleteCheckpointItem, putCheckpointItem, type SyncCheckpoint } from './state/checkpoint';
import { putCursorItem, type LastPull, type SyncTable } from './state/cursor';
import { claimLease, releaseLease, releaseLeaseItem, renewLeaseItem } from './state/lease';
import { failedConditions, type TransactItem } from './state/state-keys';
import type { SyncScope } from './sync-scope';

/** The job no longer holds its scope's lease: another job took the scope over. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export interface ScopeFence {
  table: SyncTable;
  scope: SyncScope;
  /** The job id: the lease holder this worker writes as. */
  holder: string;
  leaseMs: number;
  now: () => number;
}

/** Takes or keeps the scope's lease as the job starts; false when another job's lease runs (this job is superseded). */
export function claimScope(fence: ScopeFence): Promise<boolean> {
  return claimLease(fence.table, fence.scope, { holder: fence.holder, durationMs: fence.leaseMs, now: fence.now() });
}

/** Renews the lease and saves the checkpoint together; throws LeaseLostError when the lease is another job's. */
export async function saveFencedCheckpoint(fence: ScopeFence, checkpoint: SyncCheckpoint): Promise<void> {
  const renew = renewLeaseItem(fence.table, fence.scope, { holder: fence.holder, durationMs: fence.leaseMs, now: fence.now() });
  const failed = await transact(fence, [renew, putCheckpointItem(fence.table, fence.scope, checkpoint)]);
  if (failed?.[0]) throw new LeaseLostError(`job ${fence.holder} no longer holds the lease of its scope`);
  // Only a writer behind its own job's checkpoint fails here: another invocation of the same job (a
  // redelivered message beside its continuation, after a worker was killed) is further along this
  // window. That one carries the window on; this one stops without writing, like a superseded job.
  if (failed?.[1]) {
    throw new LeaseLostError(
      `job ${fence.holder}: another invocation of this job is further along the window ending ${checkpoint.windowEnd} (past ${checkpoint.recordsSoFar} records); this one stops`,
    );
  }
}

/**
 * The window is delivered: move the cursor, drop the checkpoint and release the lease, in one
 * transaction fenced by the lease. When the cursor is already later (a newer window completed first)
 * the checkpoint and lease still go. Throws LeaseLostError when the lease is another job's.
 */
export async function completeFencedWindow(fence: ScopeFence, cursor: string, lastPull: LastPull): Promise<{ cursorAdvanced: boolean }> {
  const { table, scope, holder } = fence;
  const finish = [deleteCheckpointItem(table, scope), releaseLeaseItem(table, scope, holder)];
  const failed = await transact(fence, [putCursorItem(table, scope, cursor, lastPull), ...finish]);
  if (!failed) return { cursorAdvanced: true };
  if (failed[2]) throw new LeaseLostError(`job ${holder} no longer holds the lease of its scope`);
  const retried = await transact(fence, finish);
  if (retried?.[1]) throw new LeaseLostError(`job ${holder} no longer holds the lease of its scope`);
  return { cursorAdvanced: false };
}

/** Gives the lease back, if the job still holds it (a paused job, so the next planner run can take the scope). */
export function releaseScope(fence: ScopeFence): Promise<void> {
  return releaseLease(fence.table, fence.scope, fence.holder);
}

/** Runs the transaction; returns which conditions failed when it was cancelled by them, undefined when it went through. */
async function transact(fence: ScopeFence, items: TransactItem[]): Promise<boolean[] | undefined> {
  try {
    await fence.table.db.send(new TransactWriteCommand({ TransactItems: items }));
    return undefined;
  } catch (error) {
    const failed = failedConditions(error);
    if (!failed) throw error;
    return failed;
  }
}
