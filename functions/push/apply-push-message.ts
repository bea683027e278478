// Applies one push message to Procore (create, update, delete, and upsert of resources without a
// batch upsert endpoint): resolves the target record, builds the request from the resource's
// registry entry, calls Procore within the deadline and keeps the origin map current.
import type { PushMessage } from '../commons/contracts/push-message';
import { PermanentError } from '../commons/failure/permanent-error';
import { ProcoreError } from '../commons/procore/errors';
import type { ResourceDefinition, ScopeIds } from '../commons/resources/resource-definition';
import { buildListRequest, buildWriteRequest } from '../commons/resources/request-builders';
import type { AppliedTarget, ApplyDeps, PushWrite } from './push-write';

/**
 * The origin_id a create sends where the resource has one: the producer's originId, else a key
 * derived from the message id. Procore keeps origin_id unique per company, so a create repeated
 * after a crash (Procore answered, the idempotency record was not saved) is refused with 409 and
 * resolved to the record the first attempt made, instead of creating a second one.
 */
function createOriginId(message: PushMessage): string {
  if (message.originId !== undefined) return message.originId;
  const given = message.operation === 'delete' ? undefined : message.data.origin_id;
  return typeof given === 'string' && given !== '' ? given : `push:${message.id}`;
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
async function findByProcoreOriginId(
  deps: ApplyDeps,
  resource: ResourceDefinition,
  scope: ScopeIds,
  originId: string,
  deadline: number,
): Promise<number | undefined> {
  if (!resource.originId) return undefined;
  const request = buildListRequest(resource, scope, { 'filters[origin_id]': originId, page: 1, per_page: 100 });
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

export async function applyPushMessage(deps: ApplyDeps, write: PushWrite, deadline: number): Promise<AppliedTarget> {
  const { message, resource, scope } = write;
  const projectId = scope.projectId ?? null;
  const originId = message.originId ?? null;

  switch (message.operation) {
    case 'create':
      return remember(deps, message, await create(deps, message, resource, scope, deadline));

    case 'update': {
      const procoreId = await resolveProcoreId(deps, message, resource, scope, deadline);
      if (procoreId === undefined) {
        throw new PermanentError('OriginIdNotFound', `originId: no ${resource.name} record in company ${message.companyId} has origin ${JSON.stringify(message.originId)}`);
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
        throw new PermanentError('OriginIdNotFound', `originId: no ${resource.name} record in company ${message.companyId} has origin ${JSON.stringify(message.originId)}`);
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
  if (!resource.originId) {
    // Same rule as Procore's origin_id on other resources: an upstream key already known means
    // the record exists, so bring it to the message's data instead of making a second one.
    const mapped = message.originId === undefined ? undefined : await resolveProcoreId(deps, message, resource, scope, deadline);
    if (mapped !== undefined) {
      await update(deps, message.data, resource, scope, mapped, deadline, message.originId);
      return { procoreId: mapped, projectId, originId: message.originId ?? null };
    }
    const request = buildWriteRequest(resource, 'create', scope, message.data);
    const { data } = await deps.procore.request({ ...request, deadline });
    return { procoreId: recordId(data, `${resource.name} create`), projectId, originId: message.originId ?? null };
  }
  const originId = createOriginId(message);
  const request = buildWriteRequest(resource, 'create', scope, { ...message.data, origin_id: originId });
  try {
    // A repeat cannot duplicate: origin_id is unique, so the client may retry ambiguous failures.
    const { data } = await deps.procore.request({ ...request, deadline, idempotent: true });
    return { procoreId: recordId(data, `${resource.name} create`), projectId, originId };
  } catch (error) {
    if (!(error instanceof ProcoreError && error.status === 409)) throw error;
    const existing = await findByProcoreOriginId(deps, resource, scope, originId, deadline);
    if (existing === undefined) throw error;
    // The record with this origin already exists (an earlier attempt of this message, or the
    // upstream key was created before): bring it to the message's data.
    await update(deps, message.data, resource, scope, existing, deadline, originId);
    return { procoreId: existing, projectId, originId };
  }
}
