// The resources the connector exchanges with Procore: one declarative entry each. Paths, query
// parameters, body types and verbs are the ones Procore declares per operation
// (docs/procore-endpoints.tsv; test/procore/declared-requests.test.ts checks every request the
// connector builds against it). Tool permissions are what the app's Permissions Builder must grant
// for the connector to read and write the resource.
import { inactiveList, recordPaths, recycleBin, scopeIdOutsidePaths } from './declaration-shorthands';
import { FINANCIAL_REMOVAL_SOURCES } from './financial-removal-sources';
import { FINANCIAL_RESOURCES } from './financial-resources';
import { ResourceNameSchema } from './names';
import { ResourceDeclarationSchema, type ResourceDeclarationInput } from './resource-declaration';
import type { ResourceDefinition } from './resource-definition';

export type { PermissionLevel, ResourceDefinition, ResourceOperation, ResourceScope, ScopeIds, ToolPermission } from './resource-definition';
// The pull still imports these three from here; every other caller takes them from request-builders.
export { buildListRequest, buildPullListRequest, resourcePath } from './request-builders';

// Each declaration states what is its own; the schema's defaults fill in the rest (no scope ids in
// the query or body, no origin_id, no include_deleted filter, pages of 1000).
const BUILT_IN: ResourceDeclarationInput[] = [
  {
    name: 'projects',
    scope: 'company',
    apiVersion: 'v1.0',
    paths: { ...recordPaths('/rest/v1.0/projects'), batchUpsert: '/rest/v1.0/projects/sync' },
    ...scopeIdOutsidePaths('company_id'),
    wrapperKey: 'project',
    originId: true,
    incremental: true,
    removals: {
      kind: 'list-query',
      listQuery: { 'filters[by_status]': 'All' },
      how: 'the project list with `filters[by_status]=All`: a closed project comes with `active: false`',
    },
    activeField: 'active',
    // Creating projects needs Admin on the company Portfolio tool.
    permission: { tool: 'Portfolio', level: 'admin', scope: 'company' },
    // PATCH /rest/v1.0/projects/sync declares company_id as a query parameter (its body is `updates`).
    requests: { batchUpsert: { scopeIn: 'query' } },
  },
  {
    name: 'rfis',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: recordPaths('/rest/v1.0/projects/{project_id}/rfis'),
    wrapperKey: 'rfi',
    incremental: true,
    // The RFI list does not declare filters[include_deleted]: recycled RFIs are in the recycle bin.
    removals: recycleBin('/rest/v1.0/projects/{project_id}/rfis/recycle_bin', true),
    permission: { tool: 'RFIs', level: 'standard', scope: 'project' },
  },
  {
    name: 'submittals',
    scope: 'project',
    apiVersion: 'v1.1',
    paths: { ...recordPaths('/rest/v1.1/projects/{project_id}/submittals'), delete: '/rest/v1.1/projects/{project_id}/submittals/{id}' },
    wrapperKey: 'submittal',
    incremental: true,
    removals: recycleBin('/rest/v1.1/projects/{project_id}/submittals/recycle_bin', true),
    permission: { tool: 'Submittals', level: 'standard', scope: 'project' },
  },
  {
    name: 'observations',
    scope: 'project',
    apiVersion: 'v1.0',
    // Procore deletes observation items under the project path.
    paths: { ...recordPaths('/rest/v1.0/observations/items'), delete: '/rest/v1.0/projects/{project_id}/observations/items/{id}' },
    ...scopeIdOutsidePaths('project_id'),
    wrapperKey: 'observation',
    incremental: true,
    removals: recycleBin('/rest/v1.0/projects/{project_id}/recycle_bin/observations/items', false),
    permission: { tool: 'Observations', level: 'standard', scope: 'project' },
  },
  {
    name: 'vendors',
    scope: 'company',
    apiVersion: 'v1.0',
    paths: { ...recordPaths('/rest/v1.0/vendors'), batchUpsert: '/rest/v1.0/vendors/sync' },
    ...scopeIdOutsidePaths('company_id'),
    wrapperKey: 'vendor',
    originId: true,
    incremental: true,
    // The vendor list does not declare filters[include_deleted]: vendors are deactivated, not deleted.
    removals: inactiveList('/rest/v1.0/companies/{company_id}/vendors/inactive'),
    activeField: 'is_active',
    // Adding and editing company Directory entries needs Admin on the company Directory tool.
    permission: { tool: 'Directory', level: 'admin', scope: 'company' },
    // Extended is the list's default view ("The default view is extended."); asked for explicitly so
    // a changed default cannot take fields away.
    requests: { list: { query: { view: 'extended' } } },
  },
  {
    name: 'company_users',
    scope: 'company',
    apiVersion: 'v1.3',
    paths: { ...recordPaths('/rest/v1.3/companies/{company_id}/users'), batchUpsert: '/rest/v1.3/companies/{company_id}/users/sync' },
    wrapperKey: 'user',
    originId: true,
    incremental: true,
    removals: inactiveList('/rest/v1.0/companies/{company_id}/users/inactive'),
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
      ...recordPaths('/rest/v1.0/work_order_contracts'),
      delete: '/rest/v1.0/work_order_contracts/{id}',
      batchUpsert: '/rest/v1.0/work_order_contracts/sync',
    },
    ...scopeIdOutsidePaths('project_id'),
    wrapperKey: 'work_order_contract',
    originId: true,
    incremental: true,
    deleted: 'filters[include_deleted]',
    removals: {
      kind: 'list-query',
      listQuery: { 'filters[include_deleted]': 'with' },
      how: 'the list itself with `filters[include_deleted]=with`: a deleted contract comes with `deleted_at`',
    },
    // Creating commitments needs Admin on the project Commitments tool.
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

const builtIn = parseDeclarations(BUILT_IN, 'registry.ts');
const RESOURCES = new Map<string, ResourceDefinition>(builtIn.map((resource) => [resource.name, resource]));

/** The names of the built-in resources (the stage config may declare more). */
export function builtInResourceNames(): string[] {
  return builtIn.map((resource) => resource.name);
}

/**
 * Adds resources declared in the stage config (at cold start, from the bundled RESOURCES_FILE; see
 * declared-resources.ts). Validated by the same schema as the built-in ones; a name of a built-in
 * resource is refused, declaring the same declaration again is a no-op (a warm container, a test).
 */
export function declareResources(declarations: readonly unknown[], origin = 'declared resources'): ResourceDefinition[] {
  const parsed = parseDeclarations(declarations, origin);
  for (const resource of parsed) {
    const known = RESOURCES.get(resource.name);
    if (known && JSON.stringify(known) !== JSON.stringify(resource)) {
      throw new Error(`${origin}: ${resource.name} is already ${builtIn.includes(known) ? 'a built-in resource' : 'declared otherwise'}; choose another name`);
    }
    RESOURCES.set(resource.name, resource);
  }
  return parsed;
}

/** The entry for `name`; an unknown name throws UnknownResourceError. */
export function getResource(name: string): ResourceDefinition {
  const resource = RESOURCES.get(name);
  if (!resource) throw new UnknownResourceError(unknownResourceMessage(name));
  return resource;
}

/** The entry for `name`, or undefined. */
export function findResource(name: string): ResourceDefinition | undefined {
  return RESOURCES.get(name);
}

function unknownResourceMessage(name: unknown): string {
  return `unknown resource ${JSON.stringify(name)}; known: ${[...RESOURCES.keys()].join(', ')}`;
}

export function listResources(): ResourceDefinition[] {
  return [...RESOURCES.values()];
}

/** A resource name the registry knows (built-in or declared): for messages from outside (push). */
export const KnownResourceNameSchema = ResourceNameSchema.refine((name) => RESOURCES.has(name), { error: (issue) => unknownResourceMessage(issue.input) });
