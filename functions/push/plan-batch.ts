// Parse and plan one SQS batch before anything is written: which messages are bad or already had
// their last attempt (dead-lettered without a Procore call, see decisions.ts), and which upserts share a Procore batch upsert (`/sync`) call.
// Standard queues: all upserts of one resource and scope in the batch share one group. FIFO queues:
// the batch runs in rounds, one record per message group each (fifo-groups.ts), and the upserts of
// one resource and scope in a round share one group (`roundUpsertGroups`): different message groups
// in one call, never two records of one message group. Procore's /sync documentation (e.g. Sync
// company vendors, PATCH /rest/v1.0/vendors/sync: "Attributes for a maximum of 1000 vendors may be
// passed with each call", entities and errors lists in a 200) says nothing of the order in which it
// applies `updates`, so two messages of one group in one call could be applied out of order; one
// per group per call keeps the group's order whatever Procore does inside a call.
import type { SQSRecord } from 'aws-lambda';
import { parsePushMessage, type PushMessage } from '../commons/contracts/push-message';
import { classify, type Failure } from '../commons/failure/classify';
import { previousAttemptDied } from '../commons/failure/decisions';
import { PermanentError } from '../commons/failure/permanent-error';
import { receiveCountOf } from '../commons/queues/sqs-adapter';
import { getResource, type ResourceDefinition, type ScopeIds } from '../commons/resources/registry';
import type { BatchUpsertMember } from './batch-upsert';
import type { BatchUpsertMessage, PushWrite } from './push-write';

export type PlannedRecord =
  | { ok: true; record: SQSRecord; write: PushWrite }
  | { ok: false; record: SQSRecord; failure: Failure; id?: string; message?: PushMessage };

export interface BatchPlan {
  fifo: boolean;
  /** By SQS message id. */
  records: Map<string, PlannedRecord>;
  upsertGroups: Map<string, BatchUpsertMember[]>;
}

/** `maxAttempts`: the connector's attempts per message (the queue's maxReceiveCount is one more), when known. */
export function planBatch(records: SQSRecord[], maxAttempts?: number): BatchPlan {
  const fifo = records.some((r) => Boolean(r.attributes?.MessageGroupId));
  const planned = records.map((record) => afterLastAttempt(planRecord(record), maxAttempts));
  // FIFO: formed round by round (roundUpsertGroups), from the records each round runs.
  const upsertGroups = fifo ? new Map<string, BatchUpsertMember[]>() : upsertGroupsOf(planned, '');
  return { fifo, records: new Map(planned.map((entry) => [entry.record.messageId, entry])), upsertGroups };
}

/** The upsert groups of one FIFO round: the round's records (one per message group) by resource and scope. */
export function roundUpsertGroups(plan: BatchPlan, records: SQSRecord[], round: number): Map<string, BatchUpsertMember[]> {
  return upsertGroupsOf(
    records.map((record) => plan.records.get(record.messageId)!),
    `#round-${round}`,
  );
}

function upsertGroupsOf(planned: PlannedRecord[], suffix: string): Map<string, BatchUpsertMember[]> {
  const upsertGroups = new Map<string, BatchUpsertMember[]>();
  for (const entry of planned) {
    const key = entry.ok ? batchUpsertKey(entry.write.message) : undefined;
    if (!entry.ok || key === undefined) continue;
    const members = upsertGroups.get(key + suffix) ?? [];
    members.push({ key: entry.record.messageId, ...(entry.write as PushWrite<BatchUpsertMessage>) });
    upsertGroups.set(key + suffix, members);
  }
  return upsertGroups;
}

function planRecord(record: SQSRecord): PlannedRecord {
  let parsed: ReturnType<typeof parsePushMessage>;
  try {
    parsed = parsePushMessage(record.body);
  } catch (error) {
    // No body may take the batch down with it: a parser failure is this message's own.
    const failure: Failure = { kind: 'permanent', errorClass: 'UnreadableMessage', reason: `the body could not be read: ${classify(error).reason}` };
    return { ok: false, record, failure };
  }
  if (!parsed.ok) {
    const failure: Failure = { kind: 'permanent', errorClass: parsed.errorClass, reason: parsed.message };
    return { ok: false, record, failure, ...(parsed.id ? { id: parsed.id } : {}) };
  }
  const { message } = parsed;
  try {
    const resource = getResource(message.resource);
    return { ok: true, record, write: { message, resource, scope: scopeOf(message, resource) } };
  } catch (error) {
    return { ok: false, record, failure: classify(error), id: message.id, message };
  }
}

/** A valid message received after the connector's last attempt is dead-lettered before any write. */
function afterLastAttempt(entry: PlannedRecord, maxAttempts: number | undefined): PlannedRecord {
  if (!entry.ok) return entry;
  const failure = previousAttemptDied({ attempts: receiveCountOf(entry.record), maxAttempts });
  if (!failure) return entry;
  const { message } = entry.write;
  return { ok: false, record: entry.record, failure, id: message.id, message };
}

/** The Procore scope a message writes in (the schema already demands projectId where needed). */
function scopeOf(message: PushMessage, resource: ResourceDefinition): ScopeIds {
  if (resource.scope === 'company') return { companyId: message.companyId };
  if (message.projectId === undefined) {
    throw new PermanentError('MissingProject', `projectId: required, ${resource.name} is project-scoped`);
  }
  return { companyId: message.companyId, projectId: message.projectId };
}

/** Messages sharing a key may share sync calls; undefined: the message is applied on its own. */
export function batchUpsertKey(message: PushMessage): string | undefined {
  const resource = getResource(message.resource);
  if (!resource.paths.batchUpsert || !goesThroughSync(message, resource)) return undefined;
  if (resource.scope === 'project' && message.projectId === undefined) return undefined;
  const projectId = resource.scope === 'project' ? message.projectId : '';
  // Multipart items must all lead with the same key (see form-fields.ts): one call per address kind.
  const addressedById = message.operation !== 'create' && message.procoreId !== undefined;
  const kind = resource.requests?.batchUpsert?.body === 'multipart/form-data' ? `#${addressedById ? 'id' : 'origin'}` : '';
  // Fields a sync carries once for all its items (topLevelFromData, e.g. a standard cost code list): one call per value.
  const data = message.operation === 'delete' ? {} : message.data;
  const beside = (resource.topLevelFromData ?? []).map((key) => `#${JSON.stringify(data[key] ?? null)}`).join('');
  return `${message.resource}#${message.companyId}#${projectId}${kind}${beside}`;
}

/**
 * Upserts go through /sync, and so do creates that carry the upstream key (create-or-update by
 * origin_id is safe to repeat), unless the sync addresses items by Procore id only (budget line
 * items): then only upserts that name the Procore id.
 */
function goesThroughSync(message: PushMessage, resource: ResourceDefinition): boolean {
  if (resource.requests?.batchUpsert?.addressedBy === 'id') return message.operation === 'upsert' && message.procoreId !== undefined;
  return message.operation === 'upsert' || (message.operation === 'create' && message.originId !== undefined);
}
