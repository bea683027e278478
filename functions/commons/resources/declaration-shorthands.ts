// Shorthands for what many resource declarations say the same way, so each declaration states only
// what is its own. The paths and removal sources they build are still Procore's declared ones
// (docs/procore-endpoints.tsv; test/procore/declared-requests.test.ts checks every request).
import type { RemovalSource } from './resource-definition';

/** Procore's usual record paths: list and create at `collection`, show and update at `collection/{id}`. */
export function recordPaths(collection: string): { list: string; show: string; create: string; update: string } {
  const record = `${collection}/{id}`;
  return { list: collection, show: record, create: collection, update: record };
}

/** Removed records in a recycle bin, read with the job's updated_at window (`paged` when it declares page/per_page). */
export function recycleBin(path: string, paged: boolean): RemovalSource {
  const how = `recycle bin \`GET ${path}\`, same \`filters[updated_at]\` window${paged ? '' : ', one request (no paging declared)'}`;
  return { kind: 'recycle-bin', path, paged, how };
}

/** Deactivated records in an inactive list, read whole and compared with the ids already delivered as inactive. */
export function inactiveList(path: string): RemovalSource {
  return { kind: 'inactive-list', path, how: `inactive list \`GET ${path}\` read whole, compared with the ids already delivered as inactive` };
}

/**
 * A scope id that is not in the paths: a query parameter on reads and a top-level key in write
 * bodies, e.g. vendors `?company_id=` and `{"company_id": …, "vendor": {…}}`.
 */
export function scopeIdOutsidePaths(param: 'company_id' | 'project_id'): { listQuery: [typeof param]; bodyScope: [typeof param] } {
  return { listQuery: [param], bodyScope: [param] };
}
