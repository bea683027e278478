// What the pull path needs to know to list one resource in one scope, read from the connector's
// resource registry.
import type { ProcoreRequest } from '../procore/client';
import type { ResourceName } from '../resources/names';
import type { SyncScope } from './sync-scope';

export interface ResourceListSpec {
  scope: 'company' | 'project';
  /** Supports filters[updated_at]; without it every pull reads the whole list. */
  incremental: boolean;
  /** Supports filters[include_deleted]=with, so deletions arrive as records with deleted_at. */
  includeDeleted: boolean;
  maxPerPage: number;
  /** The list request (path and scope query) for one scope, without paging or filters. */
  listRequest(scope: SyncScope): Pick<ProcoreRequest, 'method' | 'path' | 'companyId' | 'query'>;
}

export type ResourceListSpecs = (resource: ResourceName) => ResourceListSpec;
