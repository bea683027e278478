// The requests that read where removed records are (see removal-sources.ts), built for one scope.
// Only declared parameters: page/per_page where the operation declares them, filters[updated_at] on
// recycle bins, nothing else.
import type { ProcoreRequest } from '../../commons/procore/client';
import { resourcePath } from '../../commons/resources/registry';
import type { SyncScope } from '../sync-scope';
import { updatedAtFilter, type SyncWindow } from '../sync-window';
import type { RemovalSource } from './removal-sources';

/** Largest page asked of a removal list (Procore's v1 lists; the answer's Per-Page says what applied). */
const REMOVAL_PER_PAGE = 1000;

export type RemovalRequest = Omit<ProcoreRequest, 'deadline'> & {
  /** Set when the operation declares page/per_page: walk it with client.pages(). */
  perPage?: number;
};

/** The request of a recycle bin or inactive list; undefined for sources that ride on the list itself, or none. */
export function removalRequest(source: RemovalSource, scope: SyncScope, window: SyncWindow): RemovalRequest | undefined {
  if (source.kind === 'list-query' || source.kind === 'none') return undefined;
  const path = resourcePath(source.path, { companyId: scope.companyId, ...(scope.projectId === null ? {} : { projectId: scope.projectId }) });
  const base = { method: 'GET' as const, path, companyId: scope.companyId };
  if (source.kind === 'inactive-list') return { ...base, query: {}, perPage: REMOVAL_PER_PAGE };
  return {
    ...base,
    query: { 'filters[updated_at]': updatedAtFilter(window) },
    ...(source.paged ? { perPage: REMOVAL_PER_PAGE } : {}),
  };
}
