// Resources the simulator was not written for: a test names a collection path and its body
// wrapper, and the rest is read from Procore's operations file (docs/procore-endpoints.tsv), never
// from the connector: which of list, show, create, update, delete and sync exist, their verbs, the
// scope (`{project_id}` in the path or a declared `project_id` parameter) and where a scope id that
// is not in the path goes. Records hold what was written to them; a deleted one leaves every list
// (no recycle bin or include_deleted unless the file declares one).
import { declaredOperations, type DeclaredOperations } from '../functions/commons/procore/declared-operations';
import { declaredRoutes } from './resource-routes';
import { RESOURCES, type ResourceDefinition } from './resources';

export interface GenericResourceSpec {
  name: string;
  /** The list's path template, e.g. `/rest/v1.0/companies/{company_id}/hazards`. */
  collection: string;
  /** The write body's wrapper, e.g. `hazard`. */
  wrapperKey: string;
  /** Fields inside the wrapper that must not be blank on create (a 422 otherwise). */
  required?: string[];
}

/** The definition of a generic resource, built from the operations file. */
function genericResource(spec: GenericResourceSpec, operations: DeclaredOperations = declaredOperations()): ResourceDefinition {
  const list = operations.all.find((op) => op.method === 'GET' && op.path === spec.collection);
  if (!list) throw new Error(`simulator: GET ${spec.collection} is not a declared Procore operation`);
  const project = spec.collection.includes('{project_id}') || list.queryParams.has('project_id');
  const scopeParam = project ? 'project_id' : 'company_id';
  return {
    name: spec.name,
    scope: project ? 'project' : 'company',
    wrapperKey: spec.wrapperKey,
    routes: declaredRoutes(spec.collection, undefined, operations),
    ...(spec.collection.includes(`{${scopeParam}}`) ? {} : { scopeParam }),
    required: spec.required ?? [],
    errorShape: 'field-map',
    originId: list.queryParams.has('filters[origin_id]'),
    includeDeleted: list.queryParams.has('filters[include_deleted]'),
    removal: list.queryParams.has('filters[include_deleted]') ? 'include-deleted' : 'gone',
    defaultPerPage: 100,
    fake: ({ index }) => ({ name: `${spec.name} ${index}` }),
  };
}

/** Makes the simulator serve `spec` (every simulator in the process: resources are the API's, not a store's). Same spec again: a no-op. */
export function addGenericResource(spec: GenericResourceSpec): ResourceDefinition {
  const existing = RESOURCES[spec.name];
  if (existing) {
    if (existing.routes.some((r) => r.action === 'list' && r.path === spec.collection) && existing.wrapperKey === spec.wrapperKey) return existing;
    throw new Error(`simulator: ${spec.name} is already a resource with other paths`);
  }
  const definition = genericResource(spec);
  RESOURCES[spec.name] = definition;
  return definition;
}
