// Applies one push message to Procore (create, update, delete, and upsert of resources without a
// batch sync endpoint): resolves the target record, builds the request from the registry, calls
// Procore within the deadline and keeps the origin map current.
//
// origin_id is the upstream system's key, never the connector's: a request carries an origin_id
// only when the message did (`originId`, or `origin_id` in its data). Procore's ERP tools read a
// record with an origin_id as already synced to an ERP. A create that carries one goes through the
// resource's batch upsert (`/sync`: create-or-update by origin_id, documented, safe to repeat); a
// create without one is a plain POST that only the idempotency record keeps from repeating.
import type { PushMessage } from '../commons/contracts/push-message';
import type { ProcoreClient } from '../commons/procore/client';
import { ProcoreError } from '../commons/procore/errors';
import { buildOriginLookupRequest, buildWriteRequest, getResource, type ResourceDefinition, type ScopeIds } from '../commons/resources/registry';
import type { PushOriginMap } from './state/origin-map';
import { PushPermanentError } from './push-failure';
import { applyBatchUpserts, type UpsertMessage } from './batch-upsert';

/** What an applied message did; saved with its idempotency record and reported as the result. */
export interface AppliedTarget {
  procoreId: number;
  projectId: number | null;
  originId: string | null;
}

export interface ApplyDeps {
  procore: Pick<ProcoreClient, 'request'>;
  originMap: PushOriginMap;
}

export function scopeOf(message: PushMessage, resource: ResourceDefinition): ScopeIds {
  if (resource.scope === 'company') return { companyId: message.companyId };
  if (message.projectId === undefined) {
    throw new PushPermanentError('MissingProject', `projectId: required, ${resource.name} is project-scoped`);
  }
  return { companyId: message.companyId, projectId: message.projectId };
}

/** The upstream key a create carries: `originId`, else a non-empty `origin_id` in its data; never one of ours. */
export function upstreamOriginId(message: PushMessage): string | undefined {
  if (message.originId !== undefined) return message.originId;
  const given = message.operation === 'delete' ? undefined : message.data.origin_id;
  return typeof given === 'string' && given !== '' ? given : undefined;
}

function recordId(data: unknown, what: string): number {
  const id = (data as { id?: unknown } | null)?.id;
  const n = typeof id === 'string' ? Number(id) : id;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
    throw new ProcoreError({ message: `${what}: Procore's answer has no record id`, kind: 'transient', errorClass: 'ProcoreInvalidResponse' });
  }
  return n;
}

/** The Procore record carrying `originId` through Procore's own origin_id (list filtered on it). */
export async function findByProcoreOriginId(
  deps: ApplyDeps,
  resource: ResourceDefinition,
  scope: ScopeIds,
  originId: string,
  deadline: number,
): Promise<number | undefined> {
  if (!resource.originId) return undefined;
  const request = buildOriginLookupRequest(resource, scope, originId);
  const { data } = await deps.procore.request<unknown[]>({ ...request, deadline });
  // Checked here too: an endpoint that ignored the filter must not hand back some other record.
  const match = (Array.isArray(data) ? data : []).find((row) => String((row as { origin_id?: unknown }).origin_id ?? '') === originId);
  return match === undefined ? undefined : recordId(match, `${resource.name} lookup by origin_id`);
}

/** procoreId as given, else originId through the origin map, else through Procore's origin_id. */
export async function resolveProcoreId(
  deps: ApplyDeps,
  message: PushMessage,
  resource: ResourceDefinition,
  scope: ScopeIds,
  deadline: number,
): Promise<number | undefined> {
  if (message.operation !== 'create' && message.procoreId !== undefined) return message.procoreId;
  if (message.originId === undefined) return undefined;
  const key = { companyId: message.companyId, resource: message.resource, originId: message.originId };
  const mapped = await deps.originMap.get(key);
  if (mapped) return mapped.procoreId;
  return findByProcoreOriginId(deps, resource, scope, message.originId, deadline);
}

async function remember(deps: ApplyDeps, message: PushMessage, target: AppliedTarget): Promise<AppliedTarget> {
  if (message.originId !== undefined) {
    await deps.originMap.put(
      { companyId: message.companyId, resource: message.resource, originId: message.originId },
      { procoreId: target.procoreId, projectId: target.projectId, messageId: message.id },
    );
  }
  return target;
}

export async function applyPushMessage(deps: ApplyDeps, message: PushMessage, deadline: number): Promise<AppliedTarget> {
  const resource = getResource(message.resource);
  const scope = scopeOf(message, resource);
  const projectId = scope.projectId ?? null;
  const originId = message.originId ?? null;

  switch (message.operation) {
    case 'create':
      return remember(deps, message, await create(deps, message, resource, scope, deadline));

    case 'update': {
      const procoreId = await resolveProcoreId(deps, message, resource, scope, deadline);
      if (procoreId === undefined) {
        throw new PushPermanentError('OriginIdNotFound', `originId: no ${resource.name} record in company ${message.companyId} has origin ${JSON.stringify(message.originId)}`);
      }
      await update(deps, message.data, resource, scope, procoreId, deadline, message.originId);
      return remember(deps, message, { procoreId, projectId, originId });
    }

    case 'upsert': {
      const procoreId = await resolveProcoreId(deps, message, resource, scope, deadline);
      if (procoreId !== undefined) {
        await update(deps, message.data, resource, scope, procoreId, deadline, message.originId);
        return remember(deps, message, { procoreId, projectId, originId });
      }
      return remember(deps, message, await create(deps, message, resource, scope, deadline));
    }

    case 'delete': {
      if (!resource.paths.delete) {
        throw new PushPermanentError('OperationNotSupported', `operation: Procore's API cannot delete ${resource.name}`);
      }
      const procoreId = await resolveProcoreId(deps, message, resource, scope, deadline);
      if (procoreId === undefined) {
        throw new PushPermanentError('OriginIdNotFound', `originId: no ${resource.name} record in company ${message.companyId} has origin ${JSON.stringify(message.originId)}`);
      }
      const request = buildWriteRequest(resource, 'delete', scope, {}, procoreId);
      try {
        await deps.procore.request({ ...request, deadline });
      } catch (error) {
        // Deleting what is already gone reaches the state the message asked for (this is also
        // what a redelivery after a crash sees), so it counts as applied.
        if (!(error instanceof ProcoreError && error.status === 404)) throw error;
      }
      if (message.originId !== undefined) {
        await deps.originMap.delete({ companyId: message.companyId, resource: message.resource, originId: message.originId });
      }
      return { procoreId, projectId, originId };
    }
  }
}

async function update(
  deps: ApplyDeps,
  data: Record<string, unknown>,
  resource: ResourceDefinition,
  scope: ScopeIds,
  procoreId: number,
  deadline: number,
  originId: string | undefined,
): Promise<void> {
  // The upstream key travels along where Procore stores one, so Procore's origin_id stays in step.
  const body = resource.originId && originId !== undefined ? { ...data, origin_id: originId } : data;
  const request = buildWriteRequest(resource, 'update', scope, body, procoreId);
  await deps.procore.request({ ...request, deadline });
}

async function create(
  deps: ApplyDeps,
  message: PushMessage & { data: Record<string, unknown> },
  resource: ResourceDefinition,
  scope: ScopeIds,
  deadline: number,
): Promise<AppliedTarget> {
  const projectId = scope.projectId ?? null;
  const originId = upstreamOriginId(message);
  if (resource.originId && resource.paths.batchUpsert && originId !== undefined) {
    return createThroughSync(deps, message, originId, deadline);
  }
  if (!resource.originId && message.originId !== undefined) {
    // Same rule as Procore's origin_id on other resources: an upstream key already known means
    // the record exists, so bring it to the message's data instead of making a second one.
    const mapped = await resolveProcoreId(deps, message, resource, scope, deadline);
    if (mapped !== undefined) {
      await update(deps, message.data, resource, scope, mapped, deadline, message.originId);
      return { procoreId: mapped, projectId, originId: message.originId };
    }
  }
  // A plain POST: not repeated in place after an ambiguous failure (it could make a second record).
  const data = resource.originId && message.originId !== undefined ? { ...message.data, origin_id: message.originId } : message.data;
  const { data: created } = await deps.procore.request({ ...buildWriteRequest(resource, 'create', scope, data), deadline });
  return { procoreId: recordId(created, `${resource.name} create`), projectId, originId: message.originId ?? null };
}

/** Create-or-update by the upstream origin_id through the resource's `/sync`: a repeat finds the record. */
async function createThroughSync(
  deps: ApplyDeps,
  message: PushMessage & { data: Record<string, unknown> },
  originId: string,
  deadline: number,
): Promise<AppliedTarget> {
  const asUpsert: UpsertMessage = { ...message, operation: 'upsert', originId };
  const outcome = (await applyBatchUpserts(deps, [{ key: message.id, message: asUpsert }], deadline)).get(message.id);
  if (!outcome) throw new Error(`sync left message ${message.id} without an outcome`);
  if (!outcome.ok) throw outcome.error;
  return outcome.target;
}
