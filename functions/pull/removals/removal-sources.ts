// How Procore shows a record that left a resource's default list, per resource, exactly as its
// operations file declares the requests (docs/procore-endpoints.tsv; test/pull/removal-sources.test.ts
// checks method, path and every query parameter against it). Procore has no single way:
// - projects: the list returns active projects unless `filters[by_status]` says Inactive or All;
// - RFIs, submittals, observations: a recycle bin, with `filters[updated_at]` declared (the
//   observations bin declares no page/per_page: one request);
// - vendors, company users: deactivated, on an inactive list with no updated_at filter, so the list
//   is compared with what was already delivered (kept in the state table);
// - work order contracts: `filters[include_deleted]` on the list itself (records carry deleted_at).
// `filters[include_deleted]` is NOT declared on RFIs or vendors.
import type { ResourceName } from '../../commons/resources/names';
import { FINANCIAL_REMOVAL_SOURCES } from './financial-removal-sources';

export type RemovalSource =
  /** Extra query on the resource's own list; the records' fields say their lifecycle. */
  | { kind: 'list-query'; listQuery: Record<string, string>; how: string }
  /** A recycle bin read with the job's updated_at window. */
  | { kind: 'recycle-bin'; path: string; paged: boolean; how: string }
  /** A list of every inactive record, compared with the ids already delivered as inactive. */
  | { kind: 'inactive-list'; path: string; how: string }
  /** Procore declares no way to list the resource's removed records. */
  | { kind: 'none'; how: string };

export const REMOVAL_SOURCES: { readonly [N in ResourceName]: RemovalSource } = {
  projects: {
    kind: 'list-query',
    listQuery: { 'filters[by_status]': 'All' },
    how: 'the project list with `filters[by_status]=All`: a closed project comes with `active: false`',
  },
  rfis: {
    kind: 'recycle-bin',
    path: '/rest/v1.0/projects/{project_id}/rfis/recycle_bin',
    paged: true,
    how: 'recycle bin `GET /rest/v1.0/projects/{project_id}/rfis/recycle_bin`, same `filters[updated_at]` window',
  },
  submittals: {
    kind: 'recycle-bin',
    path: '/rest/v1.1/projects/{project_id}/submittals/recycle_bin',
    paged: true,
    how: 'recycle bin `GET /rest/v1.1/projects/{project_id}/submittals/recycle_bin`, same `filters[updated_at]` window',
  },
  observations: {
    kind: 'recycle-bin',
    path: '/rest/v1.0/projects/{project_id}/recycle_bin/observations/items',
    paged: false,
    how: 'recycle bin `GET /rest/v1.0/projects/{project_id}/recycle_bin/observations/items`, same `filters[updated_at]` window, one request (no paging declared)',
  },
  vendors: {
    kind: 'inactive-list',
    path: '/rest/v1.0/companies/{company_id}/vendors/inactive',
    how: 'inactive list `GET /rest/v1.0/companies/{company_id}/vendors/inactive` read whole, compared with the ids already delivered as inactive',
  },
  company_users: {
    kind: 'inactive-list',
    path: '/rest/v1.0/companies/{company_id}/users/inactive',
    how: 'inactive list `GET /rest/v1.0/companies/{company_id}/users/inactive` read whole, compared with the ids already delivered as inactive',
  },
  work_order_contracts: {
    kind: 'list-query',
    listQuery: { 'filters[include_deleted]': 'with' },
    how: 'the list itself with `filters[include_deleted]=with`: a deleted contract comes with `deleted_at`',
  },
  ...FINANCIAL_REMOVAL_SOURCES,
};

/** Query parameters the resource's own list needs so its removed records show (may be empty). */
export function removalListQuery(resource: ResourceName): Record<string, string> {
  const source = REMOVAL_SOURCES[resource];
  return source.kind === 'list-query' ? source.listQuery : {};
}
