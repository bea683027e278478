// The resources the connector exchanges with Procore: one declarative entry each. Paths, query
// parameters, body types and verbs are the ones Procore declares per operation
// (docs/procore-endpoints.tsv; test/procore/declared-requests.test.ts checks every request the
// connector builds against it). Tool permissions are what the app's Permissions Builder must grant
// for the connector to read and write the resource.
import { FINANCIAL_RESOURCES } from './financial-resources';
import { RESOURCE_NAMES, ResourceNameSchema, type ResourceName } from './names';
import type { ResourceDefinition } from './resource-definition';

export type { PermissionLevel, ResourceDefinition, ResourceOperation, ResourceScope, ScopeIds, ToolPermission } from './resource-definition';
// The pull still imports these three from here; every other caller takes them from request-builders.
export { buildListRequest, buildPullListRequest, resourcePath } from './request-builders';

/** Procore v1 lists accept large pages; 1000 keeps one page's JSON comfortably in memory. */
const V1_MAX_PER_PAGE = 1000;

const RESOURCES: { readonly [N in ResourceName]: ResourceDefinition & { name: N } } = {
  projects: {
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
    permission: { tool: 'Portfolio', level: 'admin', scope: 'company' },
    // PATCH /rest/v1.0/projects/sync declares company_id as a query parameter (its body is `updates`).
    requests: { batchUpsert: { scopeIn: 'query' } },
  },
  rfis: {
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
    permission: { tool: 'RFIs', level: 'standard', scope: 'project' },
  },
  submittals: {
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
    permission: { tool: 'Submittals', level: 'standard', scope: 'project' },
  },
  observations: {
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
    permission: { tool: 'Observations', level: 'standard', scope: 'project' },
  },
  vendors: {
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
    permission: { tool: 'Directory', level: 'admin', scope: 'company' },
    // Extended is the list's default view ("The default view is extended."); asked for explicitly so
    // a changed default cannot take fields away.
    requests: { list: { query: { view: 'extended' } } },
  },
  company_users: {
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
    permission: { tool: 'Directory', level: 'admin', scope: 'company' },
    // Update and sync declare only multipart/form-data (create takes JSON too).
    requests: { update: { body: 'multipart/form-data' }, batchUpsert: { body: 'multipart/form-data' } },
  },
  work_order_contracts: {
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
    permission: { tool: 'Commitments', level: 'admin', scope: 'project' },
    // The list answers in its compact view by default, without the fields downstream needs.
    requests: { list: { query: { view: 'extended' } } },
  },
  ...FINANCIAL_RESOURCES,
};

/** A resource name the registry does not know: permanent, the message lists the known ones. */
class UnknownResourceError extends Error {
  override readonly name = 'UnknownResourceError';
  readonly errorClass = 'UnknownResource';
  readonly kind = 'permanent';
}

/** The entry for `name`; an unknown name throws UnknownResourceError. */
export function getResource<N extends ResourceName>(name: N): ResourceDefinition & { name: N };
export function getResource(name: string): ResourceDefinition;
export function getResource(name: string): ResourceDefinition {
  const parsed = ResourceNameSchema.safeParse(name);
  if (!parsed.success) throw new UnknownResourceError(parsed.error.issues[0]?.message ?? `unknown resource ${JSON.stringify(name)}`);
  return RESOURCES[parsed.data];
}

export function listResources(): ResourceDefinition[] {
  return RESOURCE_NAMES.map((name) => RESOURCES[name]);
}
