// The resources the connector exchanges with Procore: one declarative entry each. Paths, query
// parameters, body types and verbs are the ones Procore declares per operation
// (docs/procore-endpoints.tsv; test/procore/declared-requests.test.ts checks every request the
// connector builds against it). Tool permissions are what the app's Permissions Builder must grant
// for the connector to read and write the resource.
import { FINANCIAL_REMOVAL_SOURCES } from './financial-removal-sources';
import { FINANCIAL_RESOURCES } from './financial-resources';
import { ResourceNameSchema } from './names';
import { ResourceDeclarationSchema, type ResourceDeclarationInput } from './resource-declaration';
import type { ResourceDefinition } from './resource-definition';

export type { PermissionLevel, ResourceDefinition, ResourceOperation, ResourceScope, ScopeIds, ToolPermission } from './resource-definition';
// The pull still imports these three from here; every other caller takes them from request-builders.
export { buildListRequest, buildPullListRequest, resourcePath } from './request-builders';

/** Procore v1 lists accept large pages; 1000 keeps one page's JSON comfortably in memory. */
const V1_MAX_PER_PAGE = 1000;

const BUILT_IN: ResourceDeclarationInput[] = [
  {
    name: 'projects',
    scope: 'company',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/projects',
      show: '/rest/v1.0/projects/{id}',
      create: '/rest/v1.0/projects',
      update: '/rest/v1.0/projects/{id}',
      batchUpsert: '/rest/v1.0/projects/sync',
    },
    listQuery: ['company_id'],
    wrapperKey: 'project',
    bodyScope: ['company_id'],
    originId: true,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    // Creating projects needs Admin on the company Portfolio tool.
    removals: {
      kind: 'list-query',
      listQuery: { 'filters[by_status]': 'All' },
      how: 'the project list with `filters[by_status]=All`: a closed project comes with `active: false`',
    },
    activeField: 'active',
    permission: { tool: 'Portfolio', level: 'admin', scope: 'company' },
    // PATCH /rest/v1.0/projects/sync declares company_id as a query parameter (its body is `updates`).
    requests: { batchUpsert: { scopeIn: 'query' } },
  },
  {
    name: 'rfis',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/projects/{project_id}/rfis',
      show: '/rest/v1.0/projects/{project_id}/rfis/{id}',
      create: '/rest/v1.0/projects/{project_id}/rfis',
      update: '/rest/v1.0/projects/{project_id}/rfis/{id}',
    },
    listQuery: [],
    wrapperKey: 'rfi',
    bodyScope: [],
    originId: false,
    incremental: true,
    // The RFI list does not declare filters[include_deleted]: recycled RFIs are in the recycle bin.
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    removals: {
      kind: 'recycle-bin',
      path: '/rest/v1.0/projects/{project_id}/rfis/recycle_bin',
      paged: true,
      how: 'recycle bin `GET /rest/v1.0/projects/{project_id}/rfis/recycle_bin`, same `filters[updated_at]` window',
    },
    permission: { tool: 'RFIs', level: 'standard', scope: 'project' },
  },
  {
    name: 'submittals',
    scope: 'project',
    apiVersion: 'v1.1',
    paths: {
      list: '/rest/v1.1/projects/{project_id}/submittals',
      show: '/rest/v1.1/projects/{project_id}/submittals/{id}',
      create: '/rest/v1.1/projects/{project_id}/submittals',
      update: '/rest/v1.1/projects/{project_id}/submittals/{id}',
      delete: '/rest/v1.1/projects/{project_id}/submittals/{id}',
    },
    listQuery: [],
    wrapperKey: 'submittal',
    bodyScope: [],
    originId: false,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    removals: {
      kind: 'recycle-bin',
      path: '/rest/v1.1/projects/{project_id}/submittals/recycle_bin',
      paged: true,
      how: 'recycle bin `GET /rest/v1.1/projects/{project_id}/submittals/recycle_bin`, same `filters[updated_at]` window',
    },
    permission: { tool: 'Submittals', level: 'standard', scope: 'project' },
  },
  {
    name: 'observations',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/observations/items',
      show: '/rest/v1.0/observations/items/{id}',
      create: '/rest/v1.0/observations/items',
      update: '/rest/v1.0/observations/items/{id}',
      // Procore deletes observation items under the project path.
      delete: '/rest/v1.0/projects/{project_id}/observations/items/{id}',
    },
    listQuery: ['project_id'],
    wrapperKey: 'observation',
    bodyScope: ['project_id'],
    originId: false,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    removals: {
      kind: 'recycle-bin',
      path: '/rest/v1.0/projects/{project_id}/recycle_bin/observations/items',
      paged: false,
      how: 'recycle bin `GET /rest/v1.0/projects/{project_id}/recycle_bin/observations/items`, same `filters[updated_at]` window, one request (no paging declared)',
    },
    permission: { tool: 'Observations', level: 'standard', scope: 'project' },
  },
  {
    name: 'vendors',
    scope: 'company',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/vendors',
      show: '/rest/v1.0/vendors/{id}',
      create: '/rest/v1.0/vendors',
      update: '/rest/v1.0/vendors/{id}',
      batchUpsert: '/rest/v1.0/vendors/sync',
    },
    listQuery: ['company_id'],
    wrapperKey: 'vendor',
    bodyScope: ['company_id'],
    originId: true,
    incremental: true,
    // The vendor list does not declare filters[include_deleted]: vendors are deactivated, not deleted.
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    // Adding and editing company Directory entries needs Admin on the company Directory tool.
    removals: {
      kind: 'inactive-list',
      path: '/rest/v1.0/companies/{company_id}/vendors/inactive',
      how: 'inactive list `GET /rest/v1.0/companies/{company_id}/vendors/inactive` read whole, compared with the ids already delivered as inactive',
    },
    activeField: 'is_active',
    permission: { tool: 'Directory', level: 'admin', scope: 'company' },
    // Extended is the list's default view ("The default view is extended."); asked for explicitly so
    // a changed default cannot take fields away.
    requests: { list: { query: { view: 'extended' } } },
  },
  {
    name: 'company_users',
    scope: 'company',
    apiVersion: 'v1.3',
    paths: {
      list: '/rest/v1.3/companies/{company_id}/users',
      show: '/rest/v1.3/companies/{company_id}/users/{id}',
      create: '/rest/v1.3/companies/{company_id}/users',
      update: '/rest/v1.3/companies/{company_id}/users/{id}',
      batchUpsert: '/rest/v1.3/companies/{company_id}/users/sync',
    },
    listQuery: [],
    wrapperKey: 'user',
    bodyScope: [],
    originId: true,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    removals: {
      kind: 'inactive-list',
      path: '/rest/v1.0/companies/{company_id}/users/inactive',
      how: 'inactive list `GET /rest/v1.0/companies/{company_id}/users/inactive` read whole, compared with the ids already delivered as inactive',
    },
    activeField: 'is_active',
    permission: { tool: 'Directory', level: 'admin', scope: 'company' },
    // Update and sync declare only multipart/form-data (create takes JSON too).
    requests: { update: { body: 'multipart/form-data' }, batchUpsert: { body: 'multipart/form-data' } },
  },
  {
    name: 'work_order_contracts',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/work_order_contracts',
      show: '/rest/v1.0/work_order_contracts/{id}',
      create: '/rest/v1.0/work_order_contracts',
      update: '/rest/v1.0/work_order_contracts/{id}',
      delete: '/rest/v1.0/work_order_contracts/{id}',
      batchUpsert: '/rest/v1.0/work_order_contracts/sync',
    },
    listQuery: ['project_id'],
    wrapperKey: 'work_order_contract',
    bodyScope: ['project_id'],
    originId: true,
    incremental: true,
    deleted: 'filters[include_deleted]',
    maxPerPage: V1_MAX_PER_PAGE,
    // Creating commitments needs Admin on the project Commitments tool.
    removals: {
      kind: 'list-query',
      listQuery: { 'filters[include_deleted]': 'with' },
      how: 'the list itself with `filters[include_deleted]=with`: a deleted contract comes with `deleted_at`',
    },
    permission: { tool: 'Commitments', level: 'admin', scope: 'project' },
    // The list answers in its compact view by default, without the fields downstream needs.
    requests: { list: { query: { view: 'extended' } } },
  },
  // The financial resources (financial-resources.ts), each with where its removed records show.
  ...Object.values(FINANCIAL_RESOURCES).map((resource) => ({ ...resource, removals: FINANCIAL_REMOVAL_SOURCES[resource.name] })),
];

/** A resource name the registry does not know: permanent, the message lists the known ones. */
class UnknownResourceError extends Error {
  override readonly name = 'UnknownResourceError';
  readonly errorClass = 'UnknownResource';
  readonly kind = 'permanent';
}

/** Parses declarations with the one schema; an invalid one throws naming the resource and the field. */
function parseDeclarations(declarations: readonly unknown[], origin: string): ResourceDefinition[] {
  return declarations.map((declaration, index) => {
    const parsed = ResourceDeclarationSchema.safeParse(declaration);
    if (parsed.success) return parsed.data;
    const name = (declaration as { name?: unknown } | null)?.name;
    const problems = parsed.error.issues.map(
      (issue) => `${[typeof name === 'string' ? name : `[${index}]`, ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    throw new Error(`${origin}: invalid resource declaration: ${problems.join('; ')}`);
  });
}

// Built-in declarations are parsed (defaults filled, checked) on their first lookup, not all at
// module load: a cold start parses the few its first messages name, not all of them (about 30 ms of
// a handler's load). test/procore/registry.test.ts parses every one.
const BUILT_IN_BY_NAME = new Map(BUILT_IN.map((declaration) => [declaration.name, declaration]));
const RESOURCES = new Map<string, ResourceDefinition>();

function lookup(name: string): ResourceDefinition | undefined {
  const known = RESOURCES.get(name);
  if (known) return known;
  const declaration = BUILT_IN_BY_NAME.get(name);
  if (!declaration) return undefined;
  const [parsed] = parseDeclarations([declaration], 'registry.ts');
  RESOURCES.set(name, parsed!);
  return parsed;
}

/** Every known name: the built-in ones in their order, then the declared ones. */
const knownNames = (): string[] => [...new Set([...BUILT_IN_BY_NAME.keys(), ...RESOURCES.keys()])];

/** The names of the built-in resources (the stage config may declare more). */
export function builtInResourceNames(): string[] {
  return [...BUILT_IN_BY_NAME.keys()];
}

/**
 * Adds resources declared in the stage config (at cold start, from the bundled RESOURCES_FILE; see
 * declared-resources.ts). Validated by the same schema as the built-in ones; a name of a built-in
 * resource is refused, declaring the same declaration again is a no-op (a warm container, a test).
 */
export function declareResources(declarations: readonly unknown[], origin = 'declared resources'): ResourceDefinition[] {
  const parsed = parseDeclarations(declarations, origin);
  for (const resource of parsed) {
    const known = lookup(resource.name);
    if (known && JSON.stringify(known) !== JSON.stringify(resource)) {
      throw new Error(
        `${origin}: ${resource.name} is already ${BUILT_IN_BY_NAME.has(resource.name) ? 'a built-in resource' : 'declared otherwise'}; choose another name`,
      );
    }
    RESOURCES.set(resource.name, resource);
  }
  return parsed;
}

/** The entry for `name`; an unknown name throws UnknownResourceError. */
export function getResource(name: string): ResourceDefinition {
  const resource = lookup(name);
  if (!resource) throw new UnknownResourceError(unknownResourceMessage(name));
  return resource;
}

/** The entry for `name`, or undefined. */
export function findResource(name: string): ResourceDefinition | undefined {
  return lookup(name);
}

function unknownResourceMessage(name: unknown): string {
  return `unknown resource ${JSON.stringify(name)}; known: ${knownNames().join(', ')}`;
}

export function listResources(): ResourceDefinition[] {
  return knownNames().map((name) => lookup(name)!);
}

/** A resource name the registry knows (built-in or declared): for messages from outside (push). */
export const KnownResourceNameSchema = ResourceNameSchema.refine((name) => lookup(name) !== undefined, {
  error: (issue) => unknownResourceMessage(issue.input),
});
