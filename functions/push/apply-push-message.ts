// Applies one push message to Procore (create, update, delete, and upsert of resources without a
// batch upsert endpoint): resolves the target record, builds the request from the resource's
// registry entry, calls Procore within the deadline and keeps the origin map current.
//
// origin_id is the upstream system's key, never the connector's: a request carries an origin_id
// only when the message did (`originId`, or `origin_id` in its data). Procore's ERP tools read a
// record with an origin_id as already synced to an ERP. A create that carries one goes through the
// resource's batch upsert (`/sync`: create-or-update by origin_id, documented, safe to repeat); a
// create without one is a plain POST that only the idempotency record keeps from repeating.
import type { PushMessage } from '../commons/contracts/push-message';
import { PermanentError } from '../commons/failure/permanent-error';
import { ProcoreError } from '../commons/procore/errors';
import type { ResourceDefinition, ScopeIds } from '../commons/resources/resource-definition';
import { buildOriginLookupRequest, buildWriteRequest } from '../commons/resources/request-builders';
import { applyBatchUpserts } from './batch-upsert';
import type { AppliedTarget, ApplyDeps, CreateWithOriginMessage, PushWrite } from './push-write';

/** The upstream key a create carries: `originId`, else a non-empty `origin_id` in its data; never one of ours. */
function upstreamOriginId(message: PushMessage): string | undefined {
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
async function resolveProcoreId(
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
  // Only upstream keys are mapped; a derived `push:<id>` origin is Procore's business alone.
  if (message.originId !== undefined) {
    await deps.originMap.put(
      { companyId: message.companyId, resource: message.resource, originId: message.originId },
      { procoreId: target.procoreId, projectId: target.projectId, messageId: message.id },
    );
  }
  return target;
}

/** Read-only resources (budget view detail rows) have no create or update in Procore's API. */
function refuseUnsupported(resource: ResourceDefinition, operation: PushMessage['operation']): void {
  const needs = { create: ['create'], update: ['update'], upsert: ['create', 'update'], delete: [] }[operation] as ('create' | 'update')[];
  const missing = needs.find((op) => !resource.paths[op]);
  if (missing) throw new PermanentError('OperationNotSupported', `operation: Procore's API cannot ${missing} ${resource.name}`);
}

export async function applyPushMessage(deps: ApplyDeps, write: PushWrite, deadline: number): Promise<AppliedTarget> {
  const { message, resource, scope } = write;
  const projectId = scope.projectId ?? null;
  const originId = message.originId ?? null;
  refuseUnsupported(resource, message.operation);

  switch (message.operation) {
    case 'create':
      return remember(deps, message, await create(deps, message, resource, scope, deadline));

    case 'update': {
      const procoreId = await resolveProcoreId(deps, message, resource, scope, deadline);
      if (procoreId === undefined) {
        throw new PermanentError(
          'OriginIdNotFound',
          `originId: no ${resource.name} record in company ${message.companyId} has origin ${JSON.stringify(message.originId)}`,
        );
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
        throw new PermanentError('OperationNotSupported', `operation: Procore's API cannot delete ${resource.name}`);
      }
      const procoreId = await resolveProcoreId(deps, message, resource, scope, deadline);
      if (procoreId === undefined) {
        throw new PermanentError(
          'OriginIdNotFound',
          `originId: no ${resource.name} record in company ${message.companyId} has origin ${JSON.stringify(message.originId)}`,
        );
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
    return createThroughSync(deps, { message: { ...message, operation: 'create', originId }, resource, scope }, deadline);
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
async function createThroughSync(deps: ApplyDeps, write: PushWrite<CreateWithOriginMessage>, deadline: number): Promise<AppliedTarget> {
  const key = write.message.id;
  const outcome = (await applyBatchUpserts(deps, [{ key, ...write }], deadline)).get(key);
  if (!outcome) throw new Error(`sync left message ${key} without an outcome`);
  if (!outcome.ok) throw outcome.error;
  return outcome.target;
}
