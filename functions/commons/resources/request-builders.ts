// Turns a registry entry plus scope ids and data into a ProcoreRequest (without deadline; the
// caller adds its own): the path filled in, scope ids where Procore wants them, the body wrapped.
import type { ProcoreRequest } from '../procore/client';
import type { ResourceDefinition, ScopeIds, ScopeParam } from './resource-definition';

export type WriteOperation = 'create' | 'update' | 'delete';

type RequestWithoutDeadline = Omit<ProcoreRequest, 'deadline'>;

function scopeValue(param: ScopeParam, scope: ScopeIds, resource: string): number {
  const value = param === 'company_id' ? scope.companyId : scope.projectId;
  if (value === undefined) throw new Error(`${resource}: a ${param === 'company_id' ? 'companyId' : 'projectId'} is required`);
  return value;
}

/** Fills `{company_id}`, `{project_id}` and `{id}` in a path template; a missing id throws. */
export function resourcePath(template: string, ids: { companyId?: number; projectId?: number; id?: number | string }): string {
  return template.replace(/\{(company_id|project_id|id)\}/g, (_match, name: string) => {
    const value = name === 'company_id' ? ids.companyId : name === 'project_id' ? ids.projectId : ids.id;
    if (value === undefined || value === '') throw new Error(`path ${template} needs ${name}`);
    return encodeURIComponent(String(value));
  });
}

function checkScope(resource: ResourceDefinition, scope: ScopeIds): void {
  if (resource.scope === 'project' && scope.projectId === undefined) {
    throw new Error(`${resource.name} is project-scoped: a projectId is required`);
  }
}

function scopeQuery(resource: ResourceDefinition, scope: ScopeIds): Record<string, number> {
  return Object.fromEntries(resource.listQuery.map((param) => [param, scopeValue(param, scope, resource.name)]));
}

function scopeBody(resource: ResourceDefinition, scope: ScopeIds): Record<string, number> {
  return Object.fromEntries(resource.bodyScope.map((param) => [param, scopeValue(param, scope, resource.name)]));
}

/** GET of a resource's list in a scope (add page/per_page/filters through `query`). */
export function buildListRequest(resource: ResourceDefinition, scope: ScopeIds, query: ProcoreRequest['query'] = {}): RequestWithoutDeadline {
  checkScope(resource, scope);
  return { method: 'GET', path: resourcePath(resource.paths.list, scope), companyId: scope.companyId, query: { ...scopeQuery(resource, scope), ...query } };
}

export function buildShowRequest(resource: ResourceDefinition, scope: ScopeIds, id: number): RequestWithoutDeadline {
  checkScope(resource, scope);
  return { method: 'GET', path: resourcePath(resource.paths.show, { ...scope, id }), companyId: scope.companyId, query: scopeQuery(resource, scope) };
}

/** create → POST `{scope ids..., wrapperKey: data}`; update → PATCH the same to `{id}`; delete → DELETE. */
export function buildWriteRequest(
  resource: ResourceDefinition,
  operation: WriteOperation,
  scope: ScopeIds,
  data: Record<string, unknown>,
  id?: number,
): RequestWithoutDeadline {
  checkScope(resource, scope);
  if (operation !== 'create' && id === undefined) throw new Error(`${resource.name} ${operation} needs the Procore id`);
  if (operation === 'delete') {
    if (!resource.paths.delete) throw new Error(`${resource.name} cannot be deleted through Procore's API`);
    return { method: 'DELETE', path: resourcePath(resource.paths.delete, { ...scope, id }), companyId: scope.companyId, query: scopeQuery(resource, scope) };
  }
  const body = { ...scopeBody(resource, scope), [resource.wrapperKey]: data };
  return operation === 'create'
    ? { method: 'POST', path: resourcePath(resource.paths.create, scope), companyId: scope.companyId, body }
    : { method: 'PATCH', path: resourcePath(resource.paths.update, { ...scope, id }), companyId: scope.companyId, body };
}

/** PATCH .../sync with `{scope ids..., "updates": items}`; items carry `id` or `origin_id` (≤ 1000). */
export function buildBatchUpsertRequest(resource: ResourceDefinition, scope: ScopeIds, items: Record<string, unknown>[]): RequestWithoutDeadline {
  checkScope(resource, scope);
  if (!resource.paths.batchUpsert) throw new Error(`${resource.name} has no batch sync endpoint in Procore's API`);
  if (items.length === 0 || items.length > 1000) throw new Error(`${resource.name} sync takes 1 to 1000 items, got ${items.length}`);
  return { method: 'PATCH', path: resourcePath(resource.paths.batchUpsert, scope), companyId: scope.companyId, body: { ...scopeBody(resource, scope), updates: items } };
}
