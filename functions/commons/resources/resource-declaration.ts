// One resource declaration, the single shape every resource has: the built-in ones (registry.ts)
// and the ones an engineer declares in the stage config (cdk.json `stages.<stage>.resources`) are
// parsed by the same schema, so the rest of the connector never tells them apart. Paths, query
// parameters and body types must be Procore's declared ones (docs/procore-endpoints.tsv):
// operation-check.ts checks a declaration against that file at synth and in the tests.
import * as z from '../validation/zod';
import { ResourceNameSchema } from './names';

const ResourceScopeSchema = z.enum(['company', 'project']);
const ScopeParamSchema = z.enum(['company_id', 'project_id']);
const PermissionLevelSchema = z.enum(['read_only', 'standard', 'admin']);

/** A path template as Procore publishes it: `/rest/vX.Y/...` with `{company_id}`, `{project_id}`, `{id}` and literal segments. */
const PathTemplateSchema = z
  .string()
  .check(z.regex(/^\/rest\/v\d+\.\d+(\/([\w.-]+|\{[a-z_]+\}))+$/, 'must be a Procore path template such as /rest/v1.0/companies/{company_id}/things'));

/** The Procore tool permission the connector's app needs for this resource (Permissions Builder). */
const ToolPermissionSchema = z.strictObject({
  /** The tool's name as Procore's Permissions Builder shows it. */
  tool: z.string().check(z.minLength(1), z.maxLength(100)),
  /** Enough to read and write what the connector exchanges. */
  level: PermissionLevelSchema,
  scope: ResourceScopeSchema,
});

const ResourcePathsSchema = z.strictObject({
  /** Absent for a push-only resource: Procore declares writes but no list (budget line items, whose
   * rows are read through budget view detail rows). Such a resource cannot be pulled. */
  list: z.optional(PathTemplateSchema),
  show: z.optional(PathTemplateSchema),
  create: z.optional(PathTemplateSchema),
  update: z.optional(PathTemplateSchema),
  delete: z.optional(PathTemplateSchema),
  /** Batch upsert (Procore's `/sync`): `{"updates": [...]}`, at most 1000 items; PATCH unless `requests.batchUpsert.method` says POST. */
  batchUpsert: z.optional(PathTemplateSchema),
});

/**
 * How one operation's request differs from the defaults, as Procore declares it for that operation
 * in docs/procore-endpoints.tsv.
 */
const OperationRequestSchema = z.strictObject({
  /** Query parameters sent on every call, e.g. `{ view: 'extended' }` where the default view lacks fields. */
  query: z.optional(z.record(z.string().check(z.minLength(1)), z.string())),
  /** The body's content type (writes). Default application/json. */
  body: z.optional(z.enum(['application/json', 'multipart/form-data'])),
  /** Batch upsert only: its verb. Default PATCH (budget line items' sync is POST). */
  method: z.optional(z.enum(['PATCH', 'POST'])),
  /** Scope ids not in the path: query parameters on reads and deletes, top-level body keys on
   * writes, unless the operation declares them as query parameters ('query'). A batch upsert's
   * `topLevelFromData` fields go where its scope ids go. */
  scopeIn: z.optional(z.enum(['query', 'body'])),
  /** Batch upsert only: the body's item array. Default `updates` (budget line items: `budget_line_items`). */
  itemsKey: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9_]*$/))),
  /** Batch upsert only: 'id' when its items carry no origin_id (budget line items): only upserts
   * addressed by Procore id go through it; others are written one by one. */
  addressedBy: z.optional(z.literal('id')),
});

/**
 * A list Procore serves only under another record: budget view detail rows under a budget view
 * (`{budget_view_id}` in the path), change order requests under a prime contract (`contract_id`, a
 * required query parameter). The pull lists the parents of the scope first (`list`, read whole,
 * paged), then the resource's list once per parent.
 */
const ParentListSchema = z.strictObject({
  /** The parent id's name: a `{param}` in the list path, else a query parameter of the list. */
  param: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/)),
  /** The parents' list path, e.g. `/rest/v1.0/budget_views`. */
  list: z.string().check(z.regex(/^\/rest\/v\d+\.\d+\//)),
  /** Scope ids the parents' list takes as query parameters. */
  listQuery: z.array(ScopeParamSchema),
});

/** Where Procore shows a record that left the resource's default list (functions/pull/removals/). */
const RemovalSourceSchema = z.discriminatedUnion('kind', [
  /** Extra query on the resource's own list; the records' fields say their lifecycle. */
  z.strictObject({ kind: z.literal('list-query'), listQuery: z.record(z.string().check(z.minLength(1)), z.string()), how: z.string() }),
  /** A recycle bin read with the job's updated_at window. */
  z.strictObject({ kind: z.literal('recycle-bin'), path: PathTemplateSchema, paged: z.boolean(), how: z.string() }),
  /** A list of every inactive record, compared with the ids already delivered as inactive. */
  z.strictObject({ kind: z.literal('inactive-list'), path: PathTemplateSchema, how: z.string() }),
  /** Nowhere: a content-hash list delivers ids that left the full listing as removed (content-hash.ts); others miss removals. */
  z.strictObject({ kind: z.literal('none'), how: z.string() }),
]);

const OPERATIONS = ['list', 'show', 'create', 'update', 'delete', 'batchUpsert'] as const;

/** The declaration's fields; `name` is the map key in the stage config. */
const ResourceFieldsSchema = z.strictObject({
  scope: ResourceScopeSchema,
  /** The API version of its paths (informative; the paths say it). */
  apiVersion: z.optional(z.string().check(z.regex(/^v\d+\.\d+$/))),
  paths: ResourcePathsSchema,
  /** Scope ids Procore wants as query parameters on reads (list, show, delete) when they are not
   * in the operation's path, e.g. vendors `?company_id=`, observations `?project_id=`. */
  listQuery: z._default(z.array(ScopeParamSchema), []),
  /** The write body's wrapper, e.g. `{"rfi": {...}}`. */
  wrapperKey: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case JSON key')),
  /** Scope ids that go top-level in write and sync bodies, e.g. `{"company_id", "vendor": {...}}`. */
  bodyScope: z._default(z.array(ScopeParamSchema), []),
  /** `origin_id` (unique per company) carries the upstream system's key. */
  originId: z._default(z.boolean(), false),
  /** `filters[updated_at]=<iso>...<iso>` narrows lists to changed records. */
  incremental: z.boolean(),
  /**
   * How a pull finds what changed: `updated_at` (the list's filter, or every record each run when
   * not incremental) or `content-hash` (a full listing every `fullListingMinutes`, delivering only
   * records whose content hash changed, and ids that left the list as removed).
   */
  changeDetection: z._default(z.enum(['updated_at', 'content-hash']), 'updated_at'),
  /** content-hash only: minutes between two full listings of a scope (default a day). */
  fullListingMinutes: z._default(z.number().check(z.int(), z.gte(5), z.lte(7 * 24 * 60)), 24 * 60),
  /** How deleted records can be listed: `filters[include_deleted]=with|only`, or not at all. */
  deleted: z._default(z.enum(['filters[include_deleted]', 'none']), 'none'),
  /** Where records that left the list show (default: nowhere). */
  removals: z._default(RemovalSourceSchema, { kind: 'none', how: 'not read' }),
  /** The boolean field that says a record is active (`active`, `is_active`): false is an inactive envelope. */
  activeField: z.optional(z.string().check(z.minLength(1))),
  /** The record's id field (a positive integer). */
  idField: z._default(z.string().check(z.minLength(1)), 'id'),
  /** The record's change time (ISO 8601), or null when records carry none (then syncedAt stands in for it). */
  timestampField: z._default(z.nullable(z.string().check(z.minLength(1))), 'updated_at'),
  /** Largest `per_page` the connector asks for. */
  maxPerPage: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 1000),
  /** false: the list declares no page/per_page (commitment change orders): one answer holds it all. */
  paged: z.optional(z.literal(false)),
  /** The list sits under a parent record whose id it needs (see ParentListSchema). */
  parent: z.optional(ParentListSchema),
  /**
   * Fields Procore wants beside the wrapper, not inside it, in create and update bodies: taken out of
   * the message's data and sent top-level, e.g. potential change orders' `contract_id`.
   */
  topLevelFromData: z.optional(z.array(z.string().check(z.minLength(1)))),
  permission: ToolPermissionSchema,
  /** Per operation, what its request carries beyond the defaults (view, body type, verb, scope ids). */
  requests: z.optional(z.partialRecord(z.enum(OPERATIONS), OperationRequestSchema)),
});

function checkDeclaration(resource: z.infer<typeof ResourceFieldsSchema>, ctx: z.core.$RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (resource.changeDetection === 'content-hash' && resource.incremental) {
    issue(['changeDetection'], 'content-hash is for lists without an updated_at filter: set incremental to false');
  }
  if (resource.incremental && resource.timestampField === null) issue(['timestampField'], 'an incremental list needs the records’ timestamp field');
  if (resource.permission.scope !== resource.scope) issue(['permission', 'scope'], `must be ${resource.scope}, the resource's scope`);
  for (const [operation, template] of Object.entries(resource.paths)) {
    if (template?.includes('{project_id}') && resource.scope === 'company') issue(['paths', operation], 'a company-scoped resource has no {project_id}');
    const needsId = operation === 'show' || operation === 'update' || operation === 'delete';
    if (needsId && template && !template.includes('{id}')) issue(['paths', operation], 'must contain {id}');
  }
  if (resource.scope === 'project' && !Object.values(resource.paths).some((p) => p?.includes('{project_id}')) && !resource.listQuery.includes('project_id')) {
    issue(['listQuery'], 'a project-scoped resource needs {project_id} in its list path or project_id in listQuery');
  }
  if (resource.requests?.batchUpsert && !resource.paths.batchUpsert) issue(['requests', 'batchUpsert'], 'no paths.batchUpsert to apply it to');
  const batchOnly = ['itemsKey', 'addressedBy'] as const;
  for (const [operation, request] of Object.entries(resource.requests ?? {})) {
    for (const key of batchOnly)
      if (operation !== 'batchUpsert' && request?.[key] !== undefined) issue(['requests', operation, key], 'only a batch upsert has it');
  }
  if (!resource.paths.list) checkPushOnly(resource, issue);
}

/** A resource without a list is written, never pulled: nothing may ask for its list. */
function checkPushOnly(resource: z.infer<typeof ResourceFieldsSchema>, issue: (path: string[], message: string) => void): void {
  if (resource.incremental || resource.changeDetection === 'content-hash')
    issue(['incremental'], 'a resource without paths.list is not pulled: set incremental to false');
  if (resource.parent) issue(['parent'], 'a resource without paths.list has no list to read under a parent');
  if (resource.originId) issue(['originId'], 'origin_id lookups read the list: a resource without paths.list cannot declare originId');
  if (resource.removals.kind !== 'none') issue(['removals'], 'a resource without paths.list is not pulled');
}

/** A declaration without its name: what `stages.<stage>.resources.<name>` holds. */
export const ResourceFieldsDeclarationSchema = ResourceFieldsSchema.check(z.superRefine(checkDeclaration));

/** A whole declaration, name included: what the registry holds. */
export const ResourceDeclarationSchema = z.extend(ResourceFieldsSchema, { name: ResourceNameSchema }).check(z.superRefine(checkDeclaration));

/** A declaration as written (defaults may be left out). */
export type ResourceDeclarationInput = z.input<typeof ResourceDeclarationSchema>;
/** A parsed declaration: every default filled in. */
export type ResourceDefinition = z.infer<typeof ResourceDeclarationSchema>;
export type RemovalSource = z.infer<typeof RemovalSourceSchema>;
