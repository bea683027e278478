// Turns a registry entry plus scope ids and data into a ProcoreRequest (without deadline; the
// caller adds its own): the path filled in, scope ids where the operation wants them, the
// operation's own query (e.g. a view), the body wrapped and sent as the operation declares it.
// Every request built here is checked against docs/procore-endpoints.tsv by
// test/procore/declared-requests.test.ts.
import type { ProcoreRequest } from '../procore/client';
import type { OperationRequest, ResourceDefinition, ResourceOperation, ScopeIds, ScopeParam } from './resource-definition';

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

function options(resource: ResourceDefinition, operation: ResourceOperation): OperationRequest {
  return resource.requests?.[operation] ?? {};
}

function templateOf(resource: ResourceDefinition, operation: ResourceOperation): string {
  const template = resource.paths[operation];
  if (!template) throw new Error(`${resource.name} has no ${operation} operation in Procore's API`);
  return template;
}

/** Scope ids the operation's path does not already carry, as `{param: id}`. */
function scopeIds(resource: ResourceDefinition, operation: ResourceOperation, params: ScopeParam[], scope: ScopeIds): Record<string, number> {
  const template = templateOf(resource, operation);
  return Object.fromEntries(params.filter((p) => !template.includes(`{${p}}`)).map((p) => [p, scopeValue(p, scope, resource.name)]));
}

/** Where a read's or write's scope ids go: `[query, body]`. */
function placeScope(
  resource: ResourceDefinition,
  operation: ResourceOperation,
  scope: ScopeIds,
  write: boolean,
): [Record<string, number>, Record<string, number>] {
  const ids = scopeIds(resource, operation, write ? resource.bodyScope : resource.listQuery, scope);
  const inQuery = (options(resource, operation).scopeIn ?? (write ? 'body' : 'query')) === 'query';
  return inQuery ? [ids, {}] : [{}, ids];
}

/** A child list's template with its parent id filled in, or the parent id as its query parameter. */
function withParent(resource: ResourceDefinition, template: string, scope: ScopeIds): [string, Record<string, number>] {
  const parent = resource.parent;
  if (!parent) return [template, {}];
  if (scope.parentId === undefined) throw new Error(`${resource.name} is listed per ${parent.param}: a parentId is required`);
  const placeholder = `{${parent.param}}`;
  return template.includes(placeholder) ? [template.replace(placeholder, String(scope.parentId)), {}] : [template, { [parent.param]: scope.parentId }];
}

/** Method, path, company header, query and body type of one operation; the body is the caller's. */
function request(
  resource: ResourceDefinition,
  operation: ResourceOperation,
  method: ProcoreRequest['method'],
  scope: ScopeIds,
  id?: number,
): RequestWithoutDeadline {
  checkScope(resource, scope);
  const write = operation === 'create' || operation === 'update' || operation === 'batchUpsert';
  const [query] = placeScope(resource, operation, scope, write);
  const own = options(resource, operation);
  const [template, parentQuery] = operation === 'list' ? withParent(resource, templateOf(resource, operation), scope) : [templateOf(resource, operation), {}];
  const allQuery = { ...query, ...parentQuery, ...own.query };
  return {
    method,
    path: resourcePath(template, { ...scope, ...(id === undefined ? {} : { id }) }),
    companyId: scope.companyId,
    ...(Object.keys(allQuery).length > 0 ? { query: allQuery } : {}),
    ...(write && own.body && own.body !== 'application/json' ? { bodyType: own.body } : {}),
  };
}

/** GET of a resource's list in a scope (add page/per_page/filters through `query`). */
export function buildListRequest(resource: ResourceDefinition, scope: ScopeIds, query: ProcoreRequest['query'] = {}): RequestWithoutDeadline {
  const base = request(resource, 'list', 'GET', scope);
  return { ...base, query: { ...base.query, ...query } };
}

/**
 * The list request a pull reads: `filters[updated_at]` over `updatedAt` (`<iso>...<iso>`) where the
 * list takes it, and deleted records too (`filters[include_deleted]=with`) where it declares that.
 */
export function buildPullListRequest(resource: ResourceDefinition, scope: ScopeIds, updatedAt?: string): RequestWithoutDeadline {
  return buildListRequest(resource, scope, {
    ...(resource.incremental && updatedAt !== undefined ? { 'filters[updated_at]': updatedAt } : {}),
    ...(resource.deleted === 'filters[include_deleted]' ? { 'filters[include_deleted]': 'with' } : {}),
  });
}

/** GET of the parents' list a resource is listed under (ResourceDefinition.parent), without paging. */
export function buildParentListRequest(resource: ResourceDefinition, scope: ScopeIds): RequestWithoutDeadline {
  const parent = resource.parent;
  if (!parent) throw new Error(`${resource.name} is not listed under a parent record`);
  checkScope(resource, scope);
  const query = Object.fromEntries(parent.listQuery.filter((p) => !parent.list.includes(`{${p}}`)).map((p) => [p, scopeValue(p, scope, resource.name)]));
  return {
    method: 'GET',
    path: resourcePath(parent.list, scope),
    companyId: scope.companyId,
    ...(Object.keys(query).length > 0 ? { query } : {}),
  };
}

/** The first page of records carrying `originId` as Procore's origin_id (`filters[origin_id]`). */
export function buildOriginLookupRequest(resource: ResourceDefinition, scope: ScopeIds, originId: string): RequestWithoutDeadline {
  if (!resource.originId) throw new Error(`${resource.name} records carry no origin_id in Procore`);
  return buildListRequest(resource, scope, { 'filters[origin_id]': originId, page: 1, per_page: 100 });
}

export function buildShowRequest(resource: ResourceDefinition, scope: ScopeIds, id: number): RequestWithoutDeadline {
  return request(resource, 'show', 'GET', scope, id);
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
    return request(resource, 'delete', 'DELETE', scope, id);
  }
  const [, scopeBody] = placeScope(resource, operation, scope, true);
  const [inside, beside] = splitTopLevel(resource, data);
  const body = { ...scopeBody, ...beside, [resource.wrapperKey]: inside };
  return { ...request(resource, operation, operation === 'create' ? 'POST' : 'PATCH', scope, id), body };
}

/** The data without the fields Procore wants beside the wrapper, and those fields. */
function splitTopLevel(resource: ResourceDefinition, data: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const keys = resource.topLevelFromData ?? [];
  if (keys.length === 0) return [data, {}];
  const inside = Object.fromEntries(Object.entries(data).filter(([key]) => !keys.includes(key)));
  const beside = Object.fromEntries(Object.entries(data).filter(([key]) => keys.includes(key)));
  return [inside, beside];
}

/** Leads with the item's address (`id`, else `origin_id`): a multipart array item must start with a key every item has. */
function addressFirst(item: Record<string, unknown>): Record<string, unknown> {
  const key = item.id !== undefined ? 'id' : item.origin_id !== undefined ? 'origin_id' : undefined;
  return key === undefined ? item : { [key]: item[key], ...item };
}

/**
 * The batch upsert (`/sync`) with `{scope ids..., "updates": items}` (≤ 1000; the array key is
 * `requests.batchUpsert.itemsKey` where Procore names it otherwise); items carry `id` or `origin_id`.
 * A resource's `topLevelFromData` fields (e.g. a standard cost code's list id) leave the items and
 * go where the sync's scope ids go: every item must carry the same value (plan-batch.ts groups by
 * it). Sent with the verb and body type the operation declares; safe to repeat (create-or-update
 * by id or origin_id) when every item carries one.
 */
export function buildBatchUpsertRequest(resource: ResourceDefinition, scope: ScopeIds, items: Record<string, unknown>[]): RequestWithoutDeadline {
  checkScope(resource, scope);
  if (!resource.paths.batchUpsert) throw new Error(`${resource.name} has no batch sync endpoint in Procore's API`);
  if (items.length === 0 || items.length > 1000) throw new Error(`${resource.name} sync takes 1 to 1000 items, got ${items.length}`);
  const own = options(resource, 'batchUpsert');
  const [, scopeBody] = placeScope(resource, 'batchUpsert', scope, true);
  const split = items.map((item) => splitTopLevel(resource, item));
  const beside = split[0]![1];
  const keys = resource.topLevelFromData ?? [];
  if (split.some(([, other]) => keys.some((key) => String(other[key]) !== String(beside[key])))) {
    throw new Error(`${resource.name} sync: every item must carry the same ${keys.join(', ')}`);
  }
  const addressed = items.every((item) => item.id !== undefined || item.origin_id !== undefined);
  const base = request(resource, 'batchUpsert', own.method ?? 'PATCH', scope);
  const inQuery = own.scopeIn === 'query' && Object.keys(beside).length > 0;
  return {
    ...base,
    ...(inQuery ? { query: { ...base.query, ...Object.fromEntries(Object.entries(beside).map(([key, value]) => [key, String(value)])) } } : {}),
    body: { ...scopeBody, ...(inQuery ? {} : beside), [own.itemsKey ?? 'updates']: split.map(([inside]) => addressFirst(inside)) },
    ...(addressed ? { idempotent: true } : {}),
  };
}
