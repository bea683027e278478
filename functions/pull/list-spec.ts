// What the pull path needs to know to list one resource in one scope, read from the connector's
// resource registry.
import type { ProcoreRequest } from '../commons/procore/client';
import type { ResourceName } from '../commons/resources/names';
import { buildListRequest, buildPullListRequest, getResource } from '../commons/resources/registry';
import { buildParentListRequest } from '../commons/resources/request-builders';
import type { SyncScope } from './sync-scope';
import { updatedAtFilter, type SyncWindow } from './sync-window';

export interface ResourceListSpec {
  scope: 'company' | 'project';
  /** Supports filters[updated_at]; without it every pull reads the whole list. */
  incremental: boolean;
  /** Supports filters[include_deleted]=with, so deletions arrive as records with deleted_at. */
  includeDeleted: boolean;
  maxPerPage: number;
  /** Set for content-hash lists (content-hash/change-detector.ts): the record's id field, and how
   * long a scope rests between two full listings (its cursor is the end of the last one). */
  contentHash?: { idField: string; intervalMs: number };
  /** false: the list declares no page/per_page; one answer holds it all. */
  paged?: boolean;
  /** For lists Procore serves under a parent record (a budget view, a prime contract): the parents' list of a scope. */
  parentsRequest?(scope: SyncScope): Pick<ProcoreRequest, 'method' | 'path' | 'companyId' | 'query'>;
  /** The list request (path and scope query) for one scope, without paging or filters. */
  listRequest(scope: SyncScope): Pick<ProcoreRequest, 'method' | 'path' | 'companyId' | 'query'>;
  /** The list request a pull job reads for one window (the registry's filters), without paging. */
  pullRequest(scope: SyncScope, window: SyncWindow, parentId?: number): Pick<ProcoreRequest, 'method' | 'path' | 'companyId' | 'query'>;
}

export type ResourceListSpecs = (resource: ResourceName) => ResourceListSpec;

/** The list specs of the connector's resource registry. */
export const registryListSpecs: ResourceListSpecs = (name) => {
  const resource = getResource(name);
  const ids = (scope: SyncScope, parentId?: number) => ({
    companyId: scope.companyId,
    ...(scope.projectId === null ? {} : { projectId: scope.projectId }),
    ...(parentId === undefined ? {} : { parentId }),
  });
  return {
    scope: resource.scope,
    incremental: resource.incremental,
    includeDeleted: resource.deleted === 'filters[include_deleted]',
    maxPerPage: resource.maxPerPage,
    ...(resource.changeDetection === 'content-hash' ? { contentHash: { idField: resource.idField, intervalMs: resource.fullListingMinutes * 60_000 } } : {}),
    paged: resource.paged !== false,
    ...(resource.parent ? { parentsRequest: (scope: SyncScope) => buildParentListRequest(resource, ids(scope)) } : {}),
    listRequest: (scope) => buildListRequest(resource, ids(scope)),
    pullRequest: (scope, window, parentId) => buildPullListRequest(resource, ids(scope, parentId), updatedAtFilter(window)),
  };
};
