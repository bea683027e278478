// The removal pass of a sync job: after the resource's list window is delivered (run-sync-job.ts), read where Procore
// shows the scope's removed records (removal-sources.ts) and deliver each as an envelope whose
// lifecycle says how it left: recycled (recycle bin, same updated_at window) or inactive (inactive
// list, ids not yet delivered as inactive). Sources that ride on the list itself (project status,
// include_deleted) have nothing to do here.
//
// A recycle bin or inactive list Procore refuses for good (403: the app's permission on the tool
// may not reach it; 404) does not stop the scope's records: it is logged as an error and reported
// in the result, and the job completes. Anything transient is thrown, so the job comes back.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Lifecycle } from '../../commons/contracts/record-envelope';
import type { LoggerLike } from '../../commons/observability/logger';
import type { ProcoreClient } from '../../commons/procore/client';
import type { ProcoreEnvironment } from '../../commons/procore/environments';
import { ProcoreError } from '../../commons/procore/errors';
import type { ClaimCheckBucket } from '../claim-check';
import { deliverEnvelopes, envelopeFor } from '../record-envelopes';
import type { SyncTable } from '../state/cursor';
import { readDeliveredInactive, saveDeliveredInactive } from '../state/inactive-set';
import { scopeOfJob, type SyncJob } from '../sync-job';
import { describeScope } from '../sync-scope';
import type { SyncWindow } from '../sync-window';
import { removalRequest, type RemovalRequest } from './removal-requests';
import { getResource } from '../../commons/resources/registry';
import type { ChangeDetector } from '../content-hash/change-detector';
import { removalSourceOf } from './removal-sources';
import { walkWindow } from '../window-walk';

export interface PullRemovalsDeps {
  procore: Pick<ProcoreClient, 'pages' | 'request'>;
  sqs: SQSClient;
  table: SyncTable;
  queues: { records: string };
  environment: ProcoreEnvironment['name'];
  logger: LoggerLike;
  /** Epoch ms: no Procore call runs past it. */
  deadline: number;
  now: () => number;
  deliveryConcurrency?: number;
  /** Where records too large for one queue message go (the claim check). */
  claimCheck?: ClaimCheckBucket | undefined;
  /** A content-hash list read whole: the ids that left it are this pass's removals. */
  leftTheList?: ChangeDetector;
  /** A reconciliation pull: removed records the webhook path delivered already are left out (delivered-markers.ts). */
  alreadyDelivered?: ChangeDetector;
}

export interface RemovalsResult {
  /** Removed records delivered (envelopes sent). */
  records: number;
  /** Of them, delivered by claim check. */
  claimChecked: number;
  /** Procore requests made. */
  requests: number;
  /** Set when Procore refused the removal list for good: what it said. */
  unavailable?: string;
}

const NOTHING: RemovalsResult = { records: 0, claimChecked: 0, requests: 0 };

export async function pullRemovals(job: SyncJob, window: SyncWindow, deps: PullRemovalsDeps): Promise<RemovalsResult> {
  if (deps.leftTheList) return deliverLeftTheList(job, deps.leftTheList, deps);
  const source = removalSourceOf(job.resource);
  const request = removalRequest(source, scopeOfJob(job), window);
  if (!request) return NOTHING;
  try {
    return source.kind === 'inactive-list' ? await deliverNewlyInactive(job, request, deps) : await deliverRecycled(job, window, deps);
  } catch (error) {
    if (!(error instanceof ProcoreError) || error.kind !== 'permanent' || (error.status !== 403 && error.status !== 404)) throw error;
    deps.logger.error("Procore refused the list of removed records; the scope's records were delivered, its removals in this window were not", {
      jobId: job.jobId,
      scope: describeScope(scopeOfJob(job)),
      path: request.path,
      errorClass: error.errorClass,
      status: error.status,
      message: error.message,
    });
    return { ...NOTHING, unavailable: `${error.errorClass} ${error.status}: ${error.message}` };
  }
}

/** Every record of the recycle bin in the window, as recycled. */
async function deliverRecycled(job: SyncJob, window: SyncWindow, deps: PullRemovalsDeps): Promise<RemovalsResult> {
  const result = { ...NOTHING };
  const source = removalSourceOf(job.resource);
  const request = removalRequest(source, scopeOfJob(job), window)!;
  // A paged bin is read as the list is, by updated_at slices (window-walk.ts): a bin that changes while read loses nothing.
  const reads = request.perPage === undefined ? readAll(request, deps, result) : readSlices(job, window, request.perPage, deps, result);
  for await (const records of reads) await deliverNotYetDelivered(records, 'recycled', job, deps, result);
  return result;
}

/** A recycle bin's window, slice by slice. */
async function* readSlices(job: SyncJob, window: SyncWindow, perPage: number, deps: PullRemovalsDeps, result: RemovalsResult): AsyncGenerator<unknown[]> {
  const source = removalSourceOf(job.resource);
  const scope = scopeOfJob(job);
  const label = `Procore GET ${removalRequest(source, scope, window)!.path}`;
  for await (const chunk of walkWindow<unknown>({
    label,
    window,
    perPage,
    sliceable: true,
    now: deps.now,
    logger: deps.logger,
    read: (range, page, size) => {
      result.requests += 1;
      const { perPage: _perPage, ...slice } = removalRequest(source, scope, { start: range.from, end: range.to, basis: window.basis })!;
      return deps.procore.request({ ...slice, query: { ...slice.query, page, per_page: size }, deadline: deps.deadline, exactIntegers: true });
    },
  })) {
    yield chunk.items;
  }
}

/** The inactive list, less what was already delivered as inactive (a full resync delivers it all). */
async function deliverNewlyInactive(job: SyncJob, request: RemovalRequest, deps: PullRemovalsDeps): Promise<RemovalsResult> {
  const scope = scopeOfJob(job);
  const known = await readDeliveredInactive(deps.table, scope);
  const result = { ...NOTHING };
  const current: number[] = [];
  for await (const records of readAll(request, deps, result)) {
    const fresh = records.filter((record) => {
      const id = (record as { id?: unknown }).id;
      if (typeof id === 'number') current.push(id);
      return job.full || typeof id !== 'number' || !known.ids.has(id);
    });
    await deliverNotYetDelivered(fresh, 'inactive', job, deps, result);
  }
  const unchanged = current.length === known.ids.size && current.every((id) => known.ids.has(id));
  if (!unchanged) await saveDeliveredInactive(deps.table, scope, current, known.chunks, new Date(deps.now()).toISOString());
  return result;
}

/**
 * Ids a content-hash list showed before and not in this complete listing: delivered as deleted
 * (Procore shows nothing more of them than that they are gone: `data` holds the id alone), then
 * their hashes are forgotten, so a record that comes back is delivered again.
 */
async function deliverLeftTheList(job: SyncJob, detector: ChangeDetector, deps: PullRemovalsDeps): Promise<RemovalsResult> {
  const result = { ...NOTHING };
  const ids = detector.removedIds();
  const resource = getResource(job.resource);
  const syncedAt = new Date(deps.now()).toISOString();
  const removed = ids.map((id) => ({
    [resource.idField]: JSON.rawJSON(id),
    ...(resource.timestampField === null ? {} : { [resource.timestampField]: syncedAt }),
  }));
  for (let at = 0; at < removed.length; at += REMOVALS_PER_DELIVERY) {
    await deliver(removed.slice(at, at + REMOVALS_PER_DELIVERY), 'deleted', job, deps, result, resource.idField);
  }
  await detector.forget(ids);
  return result;
}

/** Removed records less those already delivered as this version (a reconciliation pull), then their markers kept. */
async function deliverNotYetDelivered(records: unknown[], lifecycle: Lifecycle, job: SyncJob, deps: PullRemovalsDeps, result: RemovalsResult): Promise<void> {
  const detector = deps.alreadyDelivered;
  await deliver(detector ? detector.changed(records, { removalPass: true }) : records, lifecycle, job, deps, result);
  await detector?.commit();
}

/** Removal envelopes sent per delivery call. */
const REMOVALS_PER_DELIVERY = 1000;

/** The list's records a page at a time (one answer when the operation declares no paging). */
async function* readAll(request: RemovalRequest, deps: PullRemovalsDeps, result: RemovalsResult): AsyncGenerator<unknown[]> {
  const { perPage, ...base } = request;
  if (perPage === undefined) {
    result.requests += 1;
    const response = await deps.procore.request<unknown>({ ...base, deadline: deps.deadline, exactIntegers: true });
    if (!Array.isArray(response.data)) {
      throw new ProcoreError({
        message: `Procore GET ${base.path}: expected a JSON array of records`,
        kind: 'permanent',
        errorClass: 'ProcoreInvalidResponse',
      });
    }
    yield response.data;
    return;
  }
  for await (const page of deps.procore.pages<unknown>({ ...base, perPage, deadline: deps.deadline, exactIntegers: true })) {
    result.requests += 1;
    yield page.items;
  }
}

/** Sends the removed records' envelopes; `onlyField`: the envelope's data holds that field alone (the record itself is gone). */
async function deliver(
  records: unknown[],
  lifecycle: Lifecycle,
  job: SyncJob,
  deps: PullRemovalsDeps,
  result: RemovalsResult,
  onlyField?: string,
): Promise<void> {
  if (records.length === 0) return;
  const syncedAt = new Date(deps.now()).toISOString();
  const scope = scopeOfJob(job);
  const envelopes = records.map((record) => {
    const envelope = envelopeFor(record, { environment: deps.environment, scope, syncedAt, lifecycle });
    if (onlyField === undefined || envelope.lifecycle === 'quarantined') return envelope;
    return { ...envelope, data: { [onlyField]: (record as Record<string, unknown>)[onlyField] } };
  });
  const sent = await deliverEnvelopes(envelopes, {
    sqs: deps.sqs,
    recordsQueueUrl: deps.queues.records,
    claimCheck: deps.claimCheck,
    concurrency: deps.deliveryConcurrency,
  });
  result.records += sent.records;
  result.claimChecked += sent.claimChecked;
}
