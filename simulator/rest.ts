// The REST resources under /api/rest: list, show, create, update, delete and sync, with Procore's
// scope checks (company header, permitted projects), validation and list filters.
import { HttpError, forbidden, notFound, parameterMissing, shapedError, type FieldErrors } from './http-error';
import { paginate } from './pagination';
import { activityFilter, handleRemovalRoute } from './removal-routes';
import { RESOURCES, simResource, type Action, type ResourceDefinition } from './resources';
import type { SimResourceName } from './resources';
import type { ListFilter, RecordJson, Scope, SimStore } from './store';
import { inView } from './views';

export interface RestRequest {
  method: string;
  /** Path under the API prefix, e.g. /rest/v1.0/vendors. */
  path: string;
  /** The absolute URL the client called (for Link headers). */
  url: URL;
  body: unknown;
  /** From Procore-Company-Id, already checked: the app is installed there. */
  companyId: number;
  /** The OAuth client id behind the token: the changes this request makes name it (webhook events). */
  applicationId?: string;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const MAX_BATCH_UPSERT_ITEMS = 1000;

/** A list page the simulator has just built its answer for (the records in it are rendered already). */
export interface ListPageServed {
  resource: SimResourceName;
  /** The resource's own list, its recycle bin, or its inactive list. */
  list: 'list' | 'recycle-bin' | 'inactive';
  path: string;
  query: Record<string, string>;
  page: number;
  perPage: number;
  /** The ids on the page, in the order served. */
  ids: number[];
  /** How many records the whole list held. */
  total: number;
}

/**
 * Runs after each list page is served, before the next request is handled: a test changes Procore
 * there (edits, creates, deletes, reorders) to play a list that changes while a client pages it.
 */
export type AfterListPage = (served: ListPageServed) => void;

interface CompiledRoute {
  method: string;
  regex: RegExp;
  params: string[];
  action: Action;
  def: ResourceDefinition;
}

let compiled: CompiledRoute[] = [];
let compiledFor = 0;

/** Every resource's routes, compiled again when a generic resource was added (generic-resources.ts). */
function compiledRoutes(): CompiledRoute[] {
  const definitions = Object.values(RESOURCES);
  if (compiledFor === definitions.length) return compiled;
  compiledFor = definitions.length;
  compiled = definitions.flatMap((def) =>
    def.routes.map((route) => {
      const params: string[] = [];
      const pattern = route.path.replace(/\./g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
        params.push(name);
        return '(\\d+)';
      });
      return { method: route.method, regex: new RegExp(`^${pattern}$`), params, action: route.action, def };
    }),
  );
  return compiled;
}

function matchRoute(method: string, path: string): { route: CompiledRoute; params: Record<string, number> } | undefined {
  for (const route of compiledRoutes()) {
    if (route.method !== method) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, number> = {};
    route.params.forEach((name, i) => {
      params[name] = Number(m[i + 1]);
    });
    return { route, params };
  }
  return undefined;
}

/** The resource and action a REST call (path under the API prefix) is routed to, if any. */
export function restRouteOf(method: string, path: string): { resource: SimResourceName; action: Action } | undefined {
  const matched = matchRoute(method, path);
  return matched && { resource: matched.route.def.name, action: matched.route.action };
}

export class RestApi {
  constructor(
    private readonly store: SimStore,
    private readonly maxPerPage: () => number,
    private readonly afterListPage: () => AfterListPage | undefined = () => undefined,
    private readonly webhooks?: { handle(req: RestRequest): RestResponse | undefined },
  ) {}

  handle(req: RestRequest): RestResponse {
    return this.store.asApplication(req.applicationId, () => this.route(req));
  }

  private route(req: RestRequest): RestResponse {
    if (req.method === 'GET' && req.path === '/rest/v1.0/companies') return this.listCompanies(req);
    const webhooks = this.webhooks?.handle(req);
    if (webhooks) return webhooks;
    if (req.method === 'GET' && req.path === '/rest/v1.0/me') return { status: 200, body: this.store.serviceAccount };
    const removals = handleRemovalRoute(this.store, req, this.maxPerPage(), (served) => this.served(served));
    if (removals) return removals;
    const matched = matchRoute(req.method, req.path);
    if (!matched) throw notFound();
    return this.dispatch(matched.route, req, matched.params);
  }

  /** The test's after-page callback plays people changing Procore: its changes name no application. */
  private served(page: ListPageServed): void {
    const hook = this.afterListPage();
    if (hook) this.store.asApplication(undefined, () => hook(page));
  }

  private listCompanies(req: RestRequest): RestResponse {
    const companies = this.store
      .companies()
      .filter((c) => c.installed)
      .map((c) => ({ id: c.id, name: c.name, is_active: true }));
    const page = paginate(companies, req.url, 100, this.maxPerPage());
    return { status: 200, body: page.items, headers: page.headers };
  }

  private dispatch(route: CompiledRoute, req: RestRequest, params: Record<string, number>): RestResponse {
    const { def, action } = route;
    const isWrite = action === 'create' || action === 'update' || action === 'sync';
    if (isWrite && !isObject(req.body)) throw new HttpError(400, { error: 'request body must be a JSON object' });
    const body = isWrite ? (req.body as Record<string, unknown>) : {};
    const scope = this.resolveScope(def, req, params, body);
    switch (action) {
      case 'list':
        return this.list(def, req, scope, params);
      case 'show':
        return { status: 200, body: this.find(def, scope, params.id!) };
      case 'create':
        return this.create(def, scope, body);
      case 'update':
        return this.update(def, scope, params.id!, body);
      case 'delete':
        this.find(def, scope, params.id!);
        this.store.softDelete(def.name, params.id!);
        return { status: 204 };
      case 'sync':
        return this.sync(def, scope, body, req.url.searchParams);
    }
  }

  /** Company and project from the path, the query (reads) or the body's top level (writes). */
  private resolveScope(def: ResourceDefinition, req: RestRequest, params: Record<string, number>, body: Record<string, unknown>): Scope {
    const fromRequest = (key: 'company_id' | 'project_id'): number | undefined => {
      if (params[key] !== undefined) return params[key];
      if (def.scopeParam !== key) return undefined;
      const raw = body[key] ?? req.url.searchParams.get(key);
      if (raw === undefined || raw === null || raw === '') throw parameterMissing(key);
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n <= 0) throw new HttpError(400, { errors: `${key} must be an integer id` });
      return n;
    };
    const companyId = fromRequest('company_id') ?? req.companyId;
    if (companyId !== req.companyId) {
      throw forbidden(`company_id ${companyId} does not match the Procore-Company-Id header (${req.companyId})`);
    }
    if (def.scope === 'company') return { companyId };
    const projectId = fromRequest('project_id');
    if (projectId === undefined) throw parameterMissing('project_id');
    this.checkProjectAccess(companyId, projectId);
    return { companyId, projectId };
  }

  private checkProjectAccess(companyId: number, projectId: number): void {
    const project = this.store.project(projectId);
    if (!project || project.deleted || project.companyId !== companyId) throw notFound('Project not found');
    if (!project.permitted) {
      throw new HttpError(403, { errors: 'This project is not a permitted project for this app. Ask a company admin to add it in App Management.' });
    }
  }

  private list(def: ResourceDefinition, req: RestRequest, scope: Scope, params: Record<string, number>): RestResponse {
    const q = req.url.searchParams;
    const filter: ListFilter = activityFilter(def, req.url);
    // Filters apply where the request carries them: whether the operation declares them was
    // checked against the operations file before (server.ts), not against these definitions.
    const includeDeleted = q.get('filters[include_deleted]');
    if (includeDeleted !== null) {
      if (includeDeleted !== 'with' && includeDeleted !== 'only') {
        throw new HttpError(400, { errors: 'filters[include_deleted] must be "with" or "only"' });
      }
      filter.deleted = includeDeleted;
    }
    const range = q.get('filters[updated_at]');
    if (range !== null) [filter.updatedFrom, filter.updatedTo] = parseRange(range);
    const originId = q.get('filters[origin_id]');
    if (originId !== null) filter.originId = originId;
    let ids = this.store.query(def.name, scope, filter);
    if (def.name === 'projects') ids = ids.filter((id) => this.store.projectListed(id));
    if (def.parent) ids = this.underParent(def, req, scope, params, ids);
    const ordered = this.store.inListOrder(def.name, ids);
    // A list that declares no paging answers every record, without paging headers.
    const page = def.unpaged
      ? { items: ordered, page: 1, perPage: ordered.length, total: ordered.length, headers: {} }
      : paginate(ordered, req.url, def.defaultPerPage, this.maxPerPage());
    const body = page.items.map((id) => this.store.rendered(def.name, inView(def.name, q.get('view'), this.store.get(def.name, id)!) as RecordJson));
    this.served({
      resource: def.name,
      list: 'list',
      path: req.path,
      query: Object.fromEntries(q),
      page: page.page,
      perPage: page.perPage,
      ids: page.items,
      total: page.total,
    });
    return { status: 200, body, headers: page.headers };
  }

  /** The ids listed under the parent the request names (path or required query parameter); 404 for a parent not in the scope. */
  private underParent(def: ResourceDefinition, req: RestRequest, scope: Scope, params: Record<string, number>, ids: number[]): number[] {
    const parent = def.parent!;
    const raw = params[parent.param] ?? req.url.searchParams.get(parent.param);
    const absent = raw === undefined || raw === null || raw === '';
    if (absent && parent.optional) return ids.filter((id) => (this.store.get(def.name, id)?.[parent.field] ?? null) === null);
    if (absent) throw parameterMissing(parent.param);
    const parentId = Number(raw);
    this.find(simResource(parent.resource), scope, parentId);
    return ids.filter((id) => this.store.get(def.name, id)?.[parent.field] === parentId);
  }

  /** A live record in the scope, or 404 (a project record also has to be permitted). */
  private find(def: ResourceDefinition, scope: Scope, id: number): RecordJson {
    const where = this.store.scopeOf(def.name, id);
    const visible = where && !where.deleted && where.companyId === scope.companyId && (scope.projectId === undefined || where.projectId === scope.projectId);
    if (!visible) throw notFound();
    if (def.name === 'projects') this.checkProjectAccess(scope.companyId, id);
    return this.store.get(def.name, id)!;
  }

  private wrapped(def: ResourceDefinition, body: Record<string, unknown>): Record<string, unknown> {
    const input = body[def.wrapperKey];
    if (!isObject(input)) throw parameterMissing(def.wrapperKey);
    return input;
  }

  /** The keys Procore takes beside the wrapper (stored on the record); required on create. */
  private topLevel(def: ResourceDefinition, body: Record<string, unknown>, mode: 'create' | 'update'): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const key of [...(def.topLevel ?? []), ...(def.optionalTopLevel ?? [])]) {
      if (body[key] !== undefined && body[key] !== null) fields[key] = body[key];
      else if (mode === 'create' && def.topLevel?.includes(key)) throw parameterMissing(key);
    }
    return fields;
  }

  private create(def: ResourceDefinition, scope: Scope, body: Record<string, unknown>): RestResponse {
    const input = { ...this.wrapped(def, body), ...this.topLevel(def, body, 'create') };
    const result = this.write(def, scope, input, undefined);
    if ('errors' in result) throw shapedError(result.status, def.errorShape, result.errors);
    return { status: 201, body: result.record };
  }

  private update(def: ResourceDefinition, scope: Scope, id: number, body: Record<string, unknown>): RestResponse {
    const existing = this.find(def, scope, id);
    const input = { ...this.wrapped(def, body), ...this.topLevel(def, body, 'update') };
    const result = this.write(def, scope, input, existing);
    if ('errors' in result) throw shapedError(result.status, def.errorShape, result.errors);
    return { status: 200, body: result.record };
  }

  /** Validates and stores one create (no `existing`) or update. */
  private write(
    def: ResourceDefinition,
    scope: Scope,
    input: Record<string, unknown>,
    existing: RecordJson | undefined,
  ): { record: RecordJson } | { status: 409 | 422; errors: FieldErrors } {
    const errors = validate(def, input, existing ? 'update' : 'create');
    if (Object.keys(errors).length > 0) return { status: 422, errors };
    if (def.originId && 'origin_id' in input) {
      const clash = this.store.findByOriginId(def.name, scope.companyId, input.origin_id, existing?.id);
      if (clash) return { status: 409, errors: { origin_id: ['has already been taken'] } };
    }
    const fields = def.fromInput ? def.fromInput(input, existing) : input;
    const record = existing
      ? this.store.update(def.name, existing.id, fields)
      : this.store.insert(def.name, scope, withScopeFields(def, scope, fields, this.store));
    return { record };
  }

  private sync(def: ResourceDefinition, scope: Scope, body: Record<string, unknown>, query: URLSearchParams): RestResponse {
    const key = def.syncItemsKey ?? 'updates';
    const updates = body[key];
    if (!Array.isArray(updates)) throw parameterMissing(key);
    if (updates.length > MAX_BATCH_UPSERT_ITEMS) {
      throw new HttpError(422, { errors: { [key]: [`is too long (maximum is ${MAX_BATCH_UPSERT_ITEMS} items, got ${updates.length})`] } });
    }
    // Keys beside the wrapper come once for the whole call: in the body, or as declared query parameters.
    const beside = { ...Object.fromEntries([...query].map(([name, value]) => [name, Number(value)])), ...body };
    const entities: RecordJson[] = [];
    const errors: Record<string, unknown>[] = [];
    for (const item of updates) {
      const result = this.syncItem(def, scope, item, beside);
      if ('record' in result) entities.push(result.record as RecordJson);
      else errors.push(result);
    }
    if (!def.syncItemsKey) return { status: 200, body: { entities, errors } };
    // Answered as the array of entities; an item it cannot write fails the call.
    if (errors.length > 0) throw shapedError(422, def.errorShape, { [key]: errors.map((e) => JSON.stringify(e.errors)) });
    return { status: 200, body: entities };
  }

  /** One sync item: created, or updated when it names an existing record by id or origin_id. */
  private syncItem(
    def: ResourceDefinition,
    scope: Scope,
    item: unknown,
    beside: Record<string, unknown>,
  ): { record: RecordJson } | { errors: unknown; [key: string]: unknown } {
    if (!isObject(item)) return { item, errors: { base: ['must be an object'] } };
    let existing: RecordJson | undefined;
    if (item.id !== undefined && item.id !== null) {
      try {
        existing = this.find(def, scope, Number(item.id));
      } catch {
        return { ...item, errors: { id: ['not found'] } };
      }
    } else if (def.originId) {
      existing = this.store.findByOriginId(def.name, scope.companyId, item.origin_id);
    }
    const { id: _id, ...fields } = item;
    let input: Record<string, unknown>;
    try {
      input = { ...fields, ...this.topLevel(def, beside, existing ? 'update' : 'create') };
    } catch {
      return { ...item, errors: { base: [`needs ${(def.topLevel ?? []).join(', ')}`] } };
    }
    const result = this.write(def, scope, input, existing);
    return 'errors' in result ? { ...item, errors: result.errors } : result;
  }
}

/** Fields Procore derives from the scope on create. */
function withScopeFields(def: ResourceDefinition, scope: Scope, fields: Record<string, unknown>, store: SimStore) {
  switch (def.name) {
    case 'projects':
      return { active: true, company: { id: scope.companyId, name: store.company(scope.companyId)?.name }, ...fields };
    case 'observations':
      return { ...fields, project_id: scope.projectId };
    case 'work_order_contracts':
    case 'purchase_order_contracts':
      return { ...fields, project: { id: scope.projectId } };
    default:
      return fields;
  }
}

function validate(def: ResourceDefinition, input: Record<string, unknown>, mode: 'create' | 'update'): FieldErrors {
  const errors: FieldErrors = {};
  for (const path of def.required) {
    const head = path.split('.')[0]!;
    if (mode === 'update' && !(head in input)) continue;
    const value = path.split('.').reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), input);
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      errors[path] = ["can't be blank"];
    }
  }
  return errors;
}

/** `<iso>...<iso>`, both ends inclusive. */
function parseRange(value: string): [number, number] {
  const parts = value.split('...');
  const from = Date.parse(parts[0] ?? '');
  const to = Date.parse(parts[1] ?? '');
  if (parts.length !== 2 || Number.isNaN(from) || Number.isNaN(to)) {
    throw new HttpError(400, {
      errors: `filters[updated_at] must be an ISO 8601 range "<from>...<to>", got ${JSON.stringify(value)}`,
    });
  }
  return [from, to];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
