// Upserts of one resource in one scope, taken from one batch, go to Procore as batch upsert
// (`/sync`) calls (at most 1000 items each) instead of one request per message; so do creates that
// carry the upstream originId (create-or-update by origin_id). Procore answers 200 with per-item
// errors inside; each is mapped back to the message it came from (by id or origin_id).
import { ProcoreError } from '../commons/procore/errors';
import { buildBatchUpsertRequest } from '../commons/resources/request-builders';
import type { PushMessage } from '../commons/contracts/push-message';
import type { AppliedTarget, ApplyDeps, BatchUpsertMessage, PushWrite } from './push-write';

export const MAX_BATCH_UPSERT_ITEMS = 1000;

/** One upsert of a group: its message, resource and scope (the same for the whole group). */
export interface BatchUpsertMember extends PushWrite<BatchUpsertMessage> {
  /** Unique within the batch (the SQS message id). */
  key: string;
}

export type BatchUpsertOutcome = { ok: true; target: AppliedTarget } | { ok: false; error: unknown };

/** How an item addresses its record: by Procore id when given, else by origin_id. */
function addressOf(message: BatchUpsertMessage): string {
  const procoreId = procoreIdOf(message);
  return procoreId !== undefined ? `id:${procoreId}` : `origin:${message.originId}`;
}

function procoreIdOf(message: PushMessage): number | undefined {
  return message.operation === 'create' ? undefined : message.procoreId;
}

/**
 * Splits members into sync calls of at most `maxItems`, where no record is addressed twice in one
 * call (two writes to one record in one call would leave their order to Procore); a repeat starts
 * the next call, so later messages in the batch win.
 */
export function planBatchUpsertCalls<M extends { message: BatchUpsertMessage }>(members: M[], maxItems = MAX_BATCH_UPSERT_ITEMS): M[][] {
  const calls: M[][] = [];
  let current: M[] = [];
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

/**
 * `{entities, errors}` (most syncs), or the entities alone as an array (budget line items' sync
 * answers "200: array of object", its failures as a 4xx for the whole call).
 */
function syncAnswer(data: { entities?: Row[]; errors?: Row[] } | Row[] | undefined): [Row[], Row[]] {
  if (Array.isArray(data)) return [data, []];
  return [Array.isArray(data?.entities) ? data.entities : [], Array.isArray(data?.errors) ? data.errors : []];
}

/** Runs the sync calls for members of one group; every member gets an outcome, nothing throws. */
export async function applyBatchUpserts(deps: ApplyDeps, members: BatchUpsertMember[], deadline: number): Promise<Map<string, BatchUpsertOutcome>> {
  const outcomes = new Map<string, BatchUpsertOutcome>();
  for (const call of planBatchUpsertCalls(members)) {
    const { resource, scope } = call[0]!;
    const request = buildBatchUpsertRequest(
      resource,
      scope,
      call.map((m) => syncItem(m.message)),
    );
    let entities: Row[];
    let errors: Row[];
    let requestId: string | undefined;
    try {
      const response = await deps.procore.request<{ entities?: Row[]; errors?: Row[] } | Row[]>({ ...request, deadline });
      [entities, errors] = syncAnswer(response.data);
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
        requestId,
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
        requestId,
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
