// Upserts of one resource in one scope, taken from one batch, go to Procore as batch upsert
// (`/sync`) calls (at most 1000 items each) instead of one request per message; so do creates that
// carry the upstream originId (create-or-update by origin_id). Procore answers 200 with per-item
// errors inside; each is mapped back to the message it came from (by id or origin_id).
import type { PushMessage } from '../commons/contracts/push-message';
import { ProcoreError } from '../commons/procore/errors';
import { buildBatchUpsertRequest, getResource, type ScopeIds } from '../commons/resources/registry';
import type { AppliedTarget, ApplyDeps } from './apply-push-message';

export const MAX_BATCH_UPSERT_ITEMS = 1000;

export type UpsertMessage = Extract<PushMessage, { operation: 'upsert' }>;
/** A create with the upstream key: Procore's sync creates it, or updates the record a repeat finds. */
export type CreateWithOriginMessage = Extract<PushMessage, { operation: 'create' }> & { originId: string };
export type BatchUpsertMessage = UpsertMessage | CreateWithOriginMessage;

export interface BatchUpsertMember {
  /** Unique within the batch (the SQS message id). */
  key: string;
  message: BatchUpsertMessage;
}

export type BatchUpsertOutcome = { ok: true; target: AppliedTarget } | { ok: false; error: unknown };

/** Messages sharing a key go in the same sync calls; undefined: the message is applied on its own. */
export function batchUpsertKey(message: PushMessage): string | undefined {
  const viaSync = message.operation === 'upsert' || (message.operation === 'create' && message.originId !== undefined);
  if (!viaSync) return undefined;
  const resource = getResource(message.resource);
  if (!resource.paths.batchUpsert) return undefined;
  if (resource.scope === 'project' && message.projectId === undefined) return undefined;
  const projectId = resource.scope === 'project' ? message.projectId : '';
  // Multipart items must all lead with the same key (see form-fields.ts): one call per address kind.
  const kind = resource.requests?.batchUpsert?.body === 'multipart/form-data' ? `#${procoreIdOf(message) !== undefined ? 'id' : 'origin'}` : '';
  return `${message.resource}#${message.companyId}#${projectId}${kind}`;
}

function procoreIdOf(message: PushMessage): number | undefined {
  return message.operation === 'create' ? undefined : message.procoreId;
}

/** How an item addresses its record: by Procore id when given, else by origin_id. */
function addressOf(message: BatchUpsertMessage): string {
  const procoreId = procoreIdOf(message);
  return procoreId !== undefined ? `id:${procoreId}` : `origin:${message.originId}`;
}

/**
 * Splits members into sync calls of at most `maxItems`, where no record is addressed twice in one
 * call (two writes to one record in one call would leave their order to Procore); a repeat starts
 * the next call, so later messages in the batch win.
 */
export function planBatchUpsertCalls(members: BatchUpsertMember[], maxItems = MAX_BATCH_UPSERT_ITEMS): BatchUpsertMember[][] {
  const calls: BatchUpsertMember[][] = [];
  let current: BatchUpsertMember[] = [];
  let addresses = new Set<string>();
  for (const member of members) {
    const address = addressOf(member.message);
    if (current.length >= maxItems || addresses.has(address)) {
      calls.push(current);
      current = [];
      addresses = new Set();
    }
    current.push(member);
    addresses.add(address);
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

function syncItem(message: BatchUpsertMessage): Record<string, unknown> {
  const procoreId = procoreIdOf(message);
  return {
    ...message.data,
    ...(procoreId !== undefined ? { id: procoreId } : {}),
    ...(message.originId !== undefined ? { origin_id: message.originId } : {}),
  };
}

type Row = Record<string, unknown>;

function sameValue(a: unknown, b: unknown): boolean {
  return a !== undefined && a !== null && b !== undefined && b !== null && String(a) === String(b);
}

function matches(row: Row, message: BatchUpsertMessage): boolean {
  // Error rows echo the item, either spread or under "item".
  const echoed = row.item !== null && typeof row.item === 'object' ? (row.item as Row) : row;
  const procoreId = procoreIdOf(message);
  return procoreId !== undefined ? sameValue(echoed.id, procoreId) : sameValue(echoed.origin_id, message.originId);
}

function describeItemErrors(errors: unknown): string {
  if (typeof errors === 'string') return errors;
  if (errors && typeof errors === 'object') {
    return Object.entries(errors as Record<string, unknown>)
      .map(([field, messages]) => `${field} ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`)
      .join('; ');
  }
  return 'rejected without details';
}

/** Runs the sync calls for members of one group; every member gets an outcome, nothing throws. */
export async function applyBatchUpserts(deps: ApplyDeps, members: BatchUpsertMember[], deadline: number): Promise<Map<string, BatchUpsertOutcome>> {
  const outcomes = new Map<string, BatchUpsertOutcome>();
  for (const call of planBatchUpsertCalls(members)) {
    const first = call[0]!.message;
    const resource = getResource(first.resource);
    // Members share a key from batchUpsertKey, which saw the projectId a project-scoped resource needs.
    const scope: ScopeIds = { companyId: first.companyId, ...(resource.scope === 'project' ? { projectId: first.projectId! } : {}) };
    const request = buildBatchUpsertRequest(resource, scope, call.map((m) => syncItem(m.message)));
    let entities: Row[];
    let errors: Row[];
    let requestId: string | undefined;
    try {
      const response = await deps.procore.request<{ entities?: Row[]; errors?: Row[] }>({ ...request, deadline });
      entities = Array.isArray(response.data?.entities) ? response.data.entities : [];
      errors = Array.isArray(response.data?.errors) ? response.data.errors : [];
      requestId = response.requestId;
    } catch (error) {
      for (const member of call) outcomes.set(member.key, { ok: false, error });
      continue;
    }
    for (const member of call) {
      outcomes.set(member.key, await outcomeOf(deps, member, entities, errors, requestId, scope.projectId ?? null));
    }
  }
  return outcomes;
}

async function outcomeOf(
  deps: ApplyDeps,
  member: BatchUpsertMember,
  entities: Row[],
  errors: Row[],
  requestId: string | undefined,
  projectId: number | null,
): Promise<BatchUpsertOutcome> {
  const { message } = member;
  const rejected = errors.find((row) => matches(row, message));
  if (rejected) {
    return {
      ok: false,
      error: new ProcoreError({
        message: `Procore sync rejected the ${message.resource} item: ${describeItemErrors(rejected.errors)}`,
        kind: 'permanent',
        errorClass: 'ProcoreValidation',
        ...(requestId === undefined ? {} : { requestId }),
        details: rejected.errors,
      }),
    };
  }
  const entity = entities.find((row) => matches(row, message));
  const procoreId = Number(entity?.id);
  if (!entity || !Number.isSafeInteger(procoreId) || procoreId <= 0) {
    // Procore answered without a word on this item: retry it (an upsert repeats safely).
    return {
      ok: false,
      error: new ProcoreError({
        message: `Procore sync answered without an entity or error for the ${message.resource} item ${procoreIdOf(message) ?? message.originId}`,
        kind: 'transient',
        errorClass: 'ProcoreInvalidResponse',
        ...(requestId === undefined ? {} : { requestId }),
      }),
    };
  }
  try {
    if (message.originId !== undefined) {
      await deps.originMap.put(
        { companyId: message.companyId, resource: message.resource, originId: message.originId },
        { procoreId, projectId, messageId: message.id },
      );
    }
  } catch (error) {
    return { ok: false, error };
  }
  return { ok: true, target: { procoreId, projectId, originId: message.originId ?? null } };
}
