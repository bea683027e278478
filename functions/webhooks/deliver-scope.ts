// Turns one scope's coalesced events into records on the records queue, through the pull path's own
// code: the same list request (registry filters, view, the list query that shows removed records),
// the same Procore client and rate pacer, the same envelopes and delivery (record-envelopes.ts), so
// downstream cannot tell a webhook's record from a scheduled pull's.
// - created/updated ids: ONE targeted read per scope, whatever the burst: the resource's list over a
//   short updated_at window (from the earliest change, less a margin, to now plus a margin: an
//   edit's updated_at is never before its event), narrowed by `filters[id]` where the list declares
//   it (docs/procore-endpoints.tsv) and a single id is asked for. Procore documents array filters
//   only as repeated `filters[x][]=` parameters; a list of ids under a plain `filters[id]` has no
//   documented form, so several ids ride on the window alone. Only the asked-for ids are delivered.
// - deleted ids: removal envelopes without a read (Procore has nothing left to list), their lifecycle
//   as the pull path names the resource's removals (removals/removal-sources.ts): `recycled` where
//   Procore keeps a recycle bin, else `deleted`. Their data is the stub {id, updated_at, deleted_at}
//   (the event's time). The reconciliation pull does not deliver them again (recycle bin or not).
// Each record's delivered marker is returned for the caller to keep (content-hash/delivered-markers.ts).
// No cursor is read or moved: the scheduled (reconciliation) pull keeps its own.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { toProcoreTime } from '../commons/contracts/procore-time';
import type { Lifecycle, RecordEnvelope } from '../commons/contracts/record-envelope';
import type { ProcoreClient } from '../commons/procore/client';
import type { ProcoreEnvironment } from '../commons/procore/environments';
import type { ResourceName } from '../commons/resources/names';
import type { ClaimCheckBucket } from '../pull/claim-check';
import type { ResourceListSpecs } from '../pull/list-spec';
import { REMOVED_MARKER } from '../pull/content-hash/delivered-markers';
import { contentHash } from '../pull/content-hash/record-hash';
import { deliverEnvelopes, envelopeFor } from '../pull/record-envelopes';
import { removalListQuery, removalSourceOf } from '../pull/removals/removal-sources';
import type { ScopeWork } from './coalesce';

/** How far the read's updated_at window reaches around the events' times (clock skew, late commits). */
const WEBHOOK_READ_MARGIN_MS = 5 * 60_000;

/** The id filter each list declares (docs/procore-endpoints.tsv); company users' list declares none. */
export const ID_FILTERS: Partial<Record<ResourceName, string>> = {
  projects: 'filters[id]',
  rfis: 'filters[id]',
  submittals: 'filters[id]',
  observations: 'filters[id]',
  vendors: 'filters[id][]',
  work_order_contracts: 'filters[id]',
};

export interface DeliverScopeDeps {
  procore: Pick<ProcoreClient, 'pages'>;
  sqs: SQSClient;
  recordsQueueUrl: string;
  environment: ProcoreEnvironment['name'];
  resources: ResourceListSpecs;
  claimCheck?: ClaimCheckBucket | undefined;
  now: () => number;
  /** Epoch ms: no Procore call runs past it. */
  deadline: number;
}

export interface ScopeDelivery {
  records: number;
  removals: number;
  /** id → delivered marker of each record sent (its content hash, or REMOVED_MARKER): what the reconciliation pull skips. */
  markers: Map<string, string>;
  /** Ids asked for that the read did not return (gone since, or no longer listed): the reconciliation pull settles them. */
  notFound: number[];
  requests: number;
}

export async function deliverScope(work: ScopeWork, deps: DeliverScopeDeps): Promise<ScopeDelivery> {
  const syncedAt = new Date(deps.now()).toISOString();
  const context = { environment: deps.environment, scope: work.scope, syncedAt };
  const removals = work.deleted.map(({ id, at }) => removalEnvelope(id, at, context));
  const read = work.readIds.length > 0 ? await readChanged(work, deps) : { records: [] as unknown[], requests: 0 };
  const wanted = new Set(work.readIds.map(String));
  const found = read.records
    .map((record) => ({ record, envelope: envelopeFor(record, context) }))
    .filter(({ envelope }) => envelope.idText !== null && wanted.has(envelope.idText));
  const delivered = new Set(found.map(({ envelope }) => envelope.idText));
  await deliverEnvelopes([...found.map(({ envelope }) => envelope), ...removals], {
    sqs: deps.sqs,
    recordsQueueUrl: deps.recordsQueueUrl,
    claimCheck: deps.claimCheck,
  });
  return {
    records: found.length,
    removals: removals.length,
    markers: new Map([
      ...found.map(({ record, envelope }) => [envelope.idText!, contentHash(record)] as const),
      ...work.deleted.map(({ id }) => [String(id), REMOVED_MARKER] as const),
    ]),
    notFound: work.readIds.filter((id) => !delivered.has(String(id))),
    requests: read.requests,
  };
}

function removalEnvelope(id: number, at: string, context: Parameters<typeof envelopeFor>[1]): RecordEnvelope {
  const lifecycle: Lifecycle = removalSourceOf(context.scope.resource).kind === 'recycle-bin' ? 'recycled' : 'deleted';
  const time = toProcoreTime(Date.parse(at));
  return envelopeFor({ id, updated_at: time, deleted_at: time }, { ...context, lifecycle });
}

/** The scope's list, once, over the events' window (and the id, where one id and the list's filter allow). */
async function readChanged(work: ScopeWork, deps: DeliverScopeDeps): Promise<{ records: unknown[]; requests: number }> {
  const spec = deps.resources(work.scope.resource);
  const start = Date.parse(work.earliestChange!) - WEBHOOK_READ_MARGIN_MS;
  const end = Math.max(deps.now(), start) + WEBHOOK_READ_MARGIN_MS;
  const request = spec.pullRequest(work.scope, { start: toProcoreTime(start), end: toProcoreTime(end), basis: 'cursor' });
  const idFilter = ID_FILTERS[work.scope.resource];
  const query = {
    ...request.query,
    ...removalListQuery(work.scope.resource),
    ...(idFilter !== undefined && work.readIds.length === 1 ? { [idFilter]: work.readIds[0] } : {}),
  };
  const records: unknown[] = [];
  let requests = 0;
  for await (const page of deps.procore.pages<unknown>({ ...request, query, perPage: spec.maxPerPage, deadline: deps.deadline, exactIntegers: true })) {
    requests += 1;
    records.push(...page.items);
  }
  return { records, requests };
}
