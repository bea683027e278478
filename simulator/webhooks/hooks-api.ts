// Procore's Webhooks API at its paths (docs/procore-endpoints.tsv, UtilitiesWebhooks*): hooks,
// triggers (one at a time or in bulk) and deliveries, company- or project-scoped by `company_id` or
// `project_id` (query on reads and deletes, body on writes: "You must supply either a company_id or
// project_id", procore_python_sdk docs/UtilitiesWebhooksHooksApi.md). Which parameters a request
// may carry was checked against the operations file before (server.ts).
import { HttpError, notFound, parameterMissing } from '../http-error';
import type { RestRequest, RestResponse } from '../rest';
import type { SimStore } from '../store';
import type { DeliveryEngine, SimDelivery } from './delivery-engine';
import { DEFAULT_NAMESPACE, NAMESPACE_PATTERN, type HookOwner, type HookRegistry, type SimHook } from './hooks';
import { offersTrigger } from './resource-names';

const BASE = '/rest/v1.0/webhooks/hooks';
type HandlerName =
  | 'listHooks'
  | 'createHook'
  | 'updateHook'
  | 'deleteHook'
  | 'listTriggers'
  | 'createTrigger'
  | 'bulkCreateTriggers'
  | 'bulkDeleteTriggers'
  | 'deleteTrigger'
  | 'listDeliveries';

const ROUTES: { method: string; pattern: RegExp; handler: HandlerName }[] = [
  { method: 'GET', pattern: /^\/rest\/v1\.0\/webhooks\/hooks$/, handler: 'listHooks' },
  { method: 'POST', pattern: /^\/rest\/v1\.0\/webhooks\/hooks$/, handler: 'createHook' },
  { method: 'PATCH', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)$/, handler: 'updateHook' },
  { method: 'DELETE', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)$/, handler: 'deleteHook' },
  { method: 'GET', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)\/triggers$/, handler: 'listTriggers' },
  { method: 'POST', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)\/triggers$/, handler: 'createTrigger' },
  { method: 'POST', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)\/triggers\/bulk$/, handler: 'bulkCreateTriggers' },
  { method: 'DELETE', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)\/triggers\/bulk$/, handler: 'bulkDeleteTriggers' },
  { method: 'DELETE', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)\/triggers\/(\d+)$/, handler: 'deleteTrigger' },
  { method: 'GET', pattern: /^\/rest\/v1\.0\/webhooks\/hooks\/(\d+)\/deliveries$/, handler: 'listDeliveries' },
];

const DELIVERY_STATUS: Record<string, (d: SimDelivery) => boolean> = {
  any: () => true,
  successful: (d) => d.outcome === 'ok',
  failing: (d) => d.outcome === 'retried',
  discarded: (d) => d.outcome === 'discarded',
};

type Body = Record<string, unknown>;
type Handler = (req: RestRequest, owner: HookOwner, ids: number[], body: Body) => RestResponse;

export class WebhooksApi {
  /**
   * Whether the app holds the company "Webhooks API" tool permission (Standard; procore/documentation
   * plan_your_app/webhooks.md). Without it every Webhooks API call is refused with 403.
   */
  permissionGranted = true;

  constructor(
    private readonly store: SimStore,
    private readonly registry: HookRegistry,
    private readonly engine: DeliveryEngine,
  ) {}

  /** The answer for a Webhooks API request, or undefined when the path is another API's. */
  handle(req: RestRequest): RestResponse | undefined {
    if (!req.path.startsWith(BASE)) return undefined;
    if (!this.permissionGranted) throw new HttpError(403, { errors: 'The app has no permission on the Webhooks API tool of this company' });
    for (const route of ROUTES) {
      const match = route.method === req.method ? route.pattern.exec(req.path) : null;
      if (!match) continue;
      const body = isObject(req.body) ? req.body : {};
      const owner = this.owner(req, req.method === 'GET' || (req.method === 'DELETE' && route.handler !== 'bulkDeleteTriggers') ? 'query' : 'body', body);
      return this.handlers[route.handler](req, owner, match.slice(1).map(Number), body);
    }
    return undefined;
  }

  private readonly handlers: Record<HandlerName, Handler> = {
    listHooks: (req, owner) => {
      const namespace = req.url.searchParams.get('namespace') ?? DEFAULT_NAMESPACE;
      const apiVersion = req.url.searchParams.get('api_version');
      const hooks = this.registry.list(
        (h) => sameOwner(h.owner, owner) && (namespace === '*' || h.namespace === namespace) && (apiVersion === null || h.apiVersion === apiVersion),
      );
      return { status: 200, body: hooks.map((h) => this.registry.hookJson(h)) };
    },
    createHook: (_req, owner, _ids, body) => {
      const input = wrapped(body, 'hook');
      const fields = hookFields(input, 'create');
      const hook = this.registry.create({
        owner,
        namespace: fields.namespace ?? DEFAULT_NAMESPACE,
        apiVersion: fields.apiVersion ?? 'v2',
        destinationUrl: fields.destinationUrl ?? '',
        destinationHeaders: fields.destinationHeaders ?? {},
      });
      return { status: 201, body: this.registry.hookJson(hook) };
    },
    updateHook: (_req, owner, [id], body) => {
      const hook = this.hook(owner, id!);
      return { status: 200, body: this.registry.hookJson(this.registry.update(hook.id, hookFields(wrapped(body, 'hook'), 'update'))) };
    },
    deleteHook: (_req, owner, [id]) => {
      this.registry.delete(this.hook(owner, id!).id);
      return { status: 200 };
    },
    listTriggers: (_req, owner, [hookId]) => {
      const hook = this.hook(owner, hookId!);
      return { status: 200, body: this.registry.triggersOf(hook.id).map((t) => this.registry.triggerJson(t)) };
    },
    createTrigger: (_req, owner, [hookId], body) => {
      const hook = this.hook(owner, hookId!);
      const result = this.addTrigger(hook, body.trigger);
      if ('errors' in result) throw new HttpError(422, { errors: result.errors });
      return { status: 201, body: result.trigger };
    },
    bulkCreateTriggers: (_req, owner, [hookId], body) => {
      const hook = this.hook(owner, hookId!);
      if (!Array.isArray(body.triggers)) throw parameterMissing('triggers');
      const success: unknown[] = [];
      const failed: unknown[] = [];
      for (const item of body.triggers) {
        const result = this.addTrigger(hook, item);
        if ('errors' in result) failed.push({ trigger: item, errors: result.errors });
        else success.push(result.trigger);
      }
      // procore_python_sdk docs: 200 {success}, or 207 Multi-Status {success, failed} when some failed.
      return failed.length === 0 ? { status: 200, body: { success } } : { status: 207, body: { success, failed } };
    },
    deleteTrigger: (_req, owner, [hookId, id]) => {
      const hook = this.hook(owner, hookId!);
      if (!this.registry.triggersOf(hook.id).some((t) => t.id === id)) throw notFound();
      this.registry.deleteTrigger(id!);
      return { status: 200 };
    },
    bulkDeleteTriggers: (_req, owner, [hookId], body) => {
      const hook = this.hook(owner, hookId!);
      if (!Array.isArray(body.triggers)) throw parameterMissing('triggers');
      const own = new Set(this.registry.triggersOf(hook.id).map((t) => t.id));
      const success: number[] = [];
      const failed: unknown[] = [];
      for (const id of body.triggers) {
        if (typeof id === 'number' && own.has(id)) {
          this.registry.deleteTrigger(id);
          success.push(id);
        } else failed.push({ id, errors: { id: ['not found'] } });
      }
      return failed.length === 0 ? { status: 200, body: { success } } : { status: 207, body: { success, failed } };
    },
    listDeliveries: (req, owner, [hookId]) => this.listDeliveries(req, this.hook(owner, hookId!)),
  };

  /**
   * Newest first; `page_start` is "the last id of the previous page" and `page_size` defaults to 100
   * (procore_python_sdk docs/UtilitiesWebhooksDeliveriesApi.md); `filters[status]` any | successful |
   * failing | discarded (procore/documentation webhooks_api.md).
   */
  private listDeliveries(req: RestRequest, hook: SimHook): RestResponse {
    const q = req.url.searchParams;
    const status = q.get('filters[status]') ?? 'any';
    const keep = DELIVERY_STATUS[status];
    if (!keep) throw new HttpError(400, { errors: `filters[status] must be any, successful, failing or discarded, got ${JSON.stringify(status)}` });
    const pageSize = positiveInt(q.get('page_size'), 'page_size') ?? 100;
    const pageStart = positiveInt(q.get('page_start'), 'page_start');
    const page = this.engine
      .deliveries(hook.id)
      .filter((d) => keep(d) && (pageStart === undefined || d.id < pageStart))
      .slice(0, pageSize);
    return { status: 200, body: page.map(deliveryJson) };
  }

  private addTrigger(hook: SimHook, input: unknown): { trigger: Record<string, unknown> } | { errors: Record<string, string[]> } {
    if (!isObject(input)) return { errors: { trigger: ['must be an object with resource_name and event_type'] } };
    const { resource_name: resourceName, event_type: eventType } = input;
    if (typeof resourceName !== 'string' || typeof eventType !== 'string' || !offersTrigger(resourceName, eventType)) {
      return { errors: { resource_name: [`${JSON.stringify(resourceName)} does not offer ${JSON.stringify(eventType)} events`] } };
    }
    if (this.registry.triggersOf(hook.id).some((t) => t.resourceName === resourceName && t.eventType === eventType)) {
      return { errors: { trigger: ['has already been taken'] } };
    }
    return { trigger: this.registry.triggerJson(this.registry.addTrigger(hook.id, resourceName, eventType)) };
  }

  /** The hook with this id owned by exactly this company or project, or 404. */
  private hook(owner: HookOwner, id: number): SimHook {
    const hook = this.registry.get(id);
    if (!hook || !sameOwner(hook.owner, owner)) throw notFound();
    return hook;
  }

  /** Either company_id or project_id (not both); the company is the header's, the project a permitted one of it. */
  private owner(req: RestRequest, from: 'query' | 'body', body: Body): HookOwner {
    const read = (key: string) => (from === 'query' ? req.url.searchParams.get(key) : body[key]);
    const companyId = idValue(read('company_id'), 'company_id');
    const projectId = idValue(read('project_id'), 'project_id');
    if ((companyId === undefined) === (projectId === undefined)) {
      throw new HttpError(400, { errors: 'You must supply either a company_id or project_id' });
    }
    if (companyId !== undefined) {
      if (companyId !== req.companyId) throw new HttpError(403, { errors: `company_id ${companyId} does not match the Procore-Company-Id header` });
      return { companyId };
    }
    const project = this.store.project(projectId!);
    if (!project || project.deleted || project.companyId !== req.companyId) throw notFound('Project not found');
    if (!project.permitted) throw new HttpError(403, { errors: 'This project is not a permitted project for this app.' });
    return { companyId: req.companyId, projectId: projectId! };
  }
}

function hookFields(input: Body, mode: 'create' | 'update'): Partial<Omit<SimHook, 'id' | 'owner'>> {
  const errors: Record<string, string[]> = {};
  const out: Partial<Omit<SimHook, 'id' | 'owner'>> = {};
  const url = input.destination_url;
  if (url !== undefined || mode === 'create') {
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) errors.destination_url = ['must be an http(s) URL'];
    else out.destinationUrl = url;
  }
  if (input.api_version !== undefined || mode === 'create') {
    if (typeof input.api_version !== 'string' || input.api_version === '') errors.api_version = ["can't be blank"];
    else out.apiVersion = input.api_version;
  }
  if (input.namespace !== undefined) {
    if (typeof input.namespace !== 'string' || !NAMESPACE_PATTERN.test(input.namespace)) errors.namespace = ['may contain lowercase a-z and dashes only'];
    else out.namespace = input.namespace;
  }
  if (input.destination_headers !== undefined) {
    const headers = input.destination_headers;
    if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) errors.destination_headers = ['must map header names to strings'];
    else out.destinationHeaders = headers as Record<string, string>;
  }
  if (Object.keys(errors).length > 0) throw new HttpError(422, { errors });
  return out;
}

function deliveryJson(d: SimDelivery): Record<string, unknown> {
  const last = d.attempts.at(-1);
  return {
    id: d.id,
    event_id: d.event.id,
    event: d.event,
    outcome: d.outcome,
    started_at: last ? new Date(last.startedAt).toISOString() : null,
    completed_at: last ? new Date(last.completedAt).toISOString() : null,
    response_status: last?.status ?? null,
    response_headers: last?.headers ?? null,
    response_body: last?.body ?? null,
    response_error: last?.error ?? null,
  };
}

function sameOwner(a: HookOwner, b: HookOwner): boolean {
  return a.companyId === b.companyId && a.projectId === b.projectId;
}

function wrapped(body: Body, key: string): Body {
  const value = body[key];
  if (!isObject(value)) throw parameterMissing(key);
  return value;
}

function idValue(raw: unknown, key: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new HttpError(400, { errors: `${key} must be an integer id` });
  return n;
}

function positiveInt(raw: string | null, key: string): number | undefined {
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new HttpError(400, { errors: `${key} must be a positive integer` });
  return n;
}

function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
