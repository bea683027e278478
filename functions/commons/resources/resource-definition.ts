// The shape of one resource's entry in the registry: everything the connector needs to read and
// write it in Procore, declared once (paths exactly as Procore publishes them). The type is the one
// the declaration schema infers (resource-declaration.ts): built-in and declared resources alike.
import type { ResourceDefinition } from './resource-declaration';

export type { RemovalSource, ResourceDefinition } from './resource-declaration';

export type ResourceScope = ResourceDefinition['scope'];
export type ScopeParam = 'company_id' | 'project_id';
export type ToolPermission = ResourceDefinition['permission'];
export type PermissionLevel = ToolPermission['level'];
export type ResourcePaths = ResourceDefinition['paths'];
export type ResourceOperation = keyof ResourcePaths;
export type OperationRequest = NonNullable<NonNullable<ResourceDefinition['requests']>[ResourceOperation]>;

/** Which record a request is about. `projectId` is required for project-scoped resources. */
export interface ScopeIds {
  companyId: number;
  projectId?: number;
  /** The parent record a list sits under (resources with `parent`), e.g. a budget view's id. */
  parentId?: number;
}
