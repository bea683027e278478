// The shape of one resource's entry in the registry: everything the connector needs to read and
// write it in Procore, declared once (paths exactly as Procore publishes them).
import type { BodyContentType } from '../procore/client';
import type { ResourceName } from './names';

export type ResourceScope = 'company' | 'project';
export type ScopeParam = 'company_id' | 'project_id';
export type PermissionLevel = 'read_only' | 'standard' | 'admin';

/** Which record a request is about. `projectId` is required for project-scoped resources. */
export interface ScopeIds {
  companyId: number;
  projectId?: number;
  /** The parent record a list sits under (resources with `parent`), e.g. a budget view's id. */
  parentId?: number;
}

/** The Procore tool permission the connector's app needs for this resource (Permissions Builder). */
export interface ToolPermission {
  /** The tool's name as Procore's Permissions Builder shows it. */
  tool: string;
  /** Enough to read and write what the connector exchanges. */
  level: PermissionLevel;
  scope: ResourceScope;
}

export interface ResourcePaths {
  /** Templates with `{company_id}`, `{project_id}` and `{id}`. */
  list: string;
  /** Absent where Procore declares no such operation (budget view detail rows are read-only). */
  show?: string;
  create?: string;
  update?: string;
  delete?: string;
  /** Batch upsert (Procore's `/sync`): `{"updates": [...]}`, at most 1000 items; PATCH unless `requests.batchUpsert.method` says POST. */
  batchUpsert?: string;
}

export type ResourceOperation = keyof ResourcePaths;

/**
 * How one operation's request differs from the defaults, as Procore declares it for that operation
 * in docs/procore-endpoints.tsv (test/procore/declared-requests.test.ts checks every request).
 */
export interface OperationRequest {
  /** Query parameters sent on every call, e.g. `{ view: 'extended' }` where the default view lacks fields. */
  query?: Record<string, string>;
  /** The body's content type (writes). Default application/json. */
  body?: BodyContentType;
  /** Batch upsert only: its verb. Default PATCH (budget line items' sync is POST). */
  method?: 'PATCH' | 'POST';
  /** Scope ids not in the path: query parameters on reads and deletes, top-level body keys on
   * writes, unless the operation declares them as query parameters ('query'). */
  scopeIn?: 'query' | 'body';
}

/**
 * A list Procore serves only under another record: budget view detail rows under a budget view
 * (`{budget_view_id}` in the path), change order requests under a prime contract (`contract_id`, a
 * required query parameter). The pull lists the parents of the scope first (`list`, read whole,
 * paged), then the resource's list once per parent.
 */
export interface ParentList {
  /** The parent id's name: a `{param}` in the list path, else a query parameter of the list. */
  param: string;
  /** The parents' list path, e.g. `/rest/v1.0/budget_views`. */
  list: string;
  /** Scope ids the parents' list takes as query parameters. */
  listQuery: ScopeParam[];
}

export interface ResourceDefinition {
  name: ResourceName;
  scope: ResourceScope;
  apiVersion: 'v1.0' | 'v1.1' | 'v1.3';
  paths: ResourcePaths;
  /** Scope ids Procore wants as query parameters on reads (list, show, delete) when they are not
   * in the operation's path, e.g. vendors `?company_id=`, observations `?project_id=`. */
  listQuery: ScopeParam[];
  /** The write body's wrapper, e.g. `{"rfi": {...}}`. */
  wrapperKey: string;
  /** Scope ids that go top-level in write and sync bodies, e.g. `{"company_id", "vendor": {...}}`. */
  bodyScope: ScopeParam[];
  /** `origin_id` (unique per company) carries the upstream system's key. */
  originId: boolean;
  /** `filters[updated_at]=<iso>...<iso>` narrows lists to changed records. */
  incremental: boolean;
  /** How deleted records can be listed: `filters[include_deleted]=with|only`, or not at all. */
  deleted: 'filters[include_deleted]' | 'none';
  /** Largest `per_page` the connector asks for. */
  maxPerPage: number;
  /** false: the list declares no page/per_page (commitment change orders): one answer holds it all. */
  paged?: false;
  /** The list sits under a parent record whose id it needs (see ParentList). */
  parent?: ParentList;
  /**
   * Fields Procore wants beside the wrapper, not inside it, in create and update bodies: taken out of
   * the message's data and sent top-level, e.g. potential change orders' `contract_id`, requisitions'
   * `commitment_id`, company timecard entries' `project_id`.
   */
  topLevelFromData?: string[];
  permission: ToolPermission;
  /** Per operation, what its request carries beyond the defaults (view, body type, verb, scope ids). */
  requests?: Partial<Record<ResourceOperation, OperationRequest>>;
}
