// How Procore shows a record that left a resource's default list, per resource, exactly as its
// operations file declares the requests (docs/procore-endpoints.tsv; test/pull/removal-sources.test.ts
// checks method, path and every query parameter against it). Each resource's declaration says it
// (`removals`, registry.ts or the stage config). Procore has no single way:
// - projects: the list returns active projects unless `filters[by_status]` says Inactive or All;
// - RFIs, submittals, observations: a recycle bin, with `filters[updated_at]` declared (the
//   observations bin declares no page/per_page: one request);
// - vendors, company users: deactivated, on an inactive list with no updated_at filter, so the list
//   is compared with what was already delivered (kept in the state table);
// - work order contracts: `filters[include_deleted]` on the list itself (records carry deleted_at);
// - a content-hash list: ids that left its full listing (content-hash.ts), whatever `removals` says.
// `filters[include_deleted]` is NOT declared on RFIs or vendors.
import type { ResourceName } from '../../commons/resources/names';
import { getResource } from '../../commons/resources/registry';
import type { RemovalSource } from '../../commons/resources/resource-definition';

export type { RemovalSource } from '../../commons/resources/resource-definition';

/** Where the resource's removed records show (its declaration's `removals`). */
export function removalSourceOf(resource: ResourceName): RemovalSource {
  return getResource(resource).removals;
}

/** Query parameters the resource's own list needs so its removed records show (may be empty). */
export function removalListQuery(resource: ResourceName): Record<string, string> {
  const source = removalSourceOf(resource);
  return source.kind === 'list-query' ? source.listQuery : {};
}
