// Every request the pull path builds to find removed records and to discover what to pull is one
// Procore declares: method, path and each query parameter, read from docs/procore-endpoints.tsv
// (Procore's operations file). A parameter an operation does not declare is, at best, ignored.
import { declaredOperations } from '../../functions/commons/procore/declared-operations';
import { silentLogger } from '../../functions/commons/observability/logger';
import { RESOURCE_NAMES } from '../../functions/commons/resources/names';
import { getResource } from '../../functions/commons/resources/registry';
import { discoverProjects } from '../../functions/pull/discovery/discover-projects';
import { registryListSpecs } from '../../functions/pull/list-spec';
import { removalRequest } from '../../functions/pull/removals/removal-requests';
import { removalListQuery, removalSourceOf } from '../../functions/pull/removals/removal-sources';
import { SyncConfigSchema } from '../../functions/pull/sync-config';

/** "METHOD path" → declared query parameters (the one reader of docs/procore-endpoints.tsv). */
const declared = new Map<string, ReadonlySet<string>>(declaredOperations().all.map((op) => [`${op.method} ${op.path}`, op.queryParams] as const));

/** What is not declared about a request: the operation itself, or each undeclared parameter. */
function undeclared(method: string, template: string, query: Record<string, unknown>): string[] {
  const params = declared.get(`${method} ${template}`);
  if (!params) return [`${method} ${template} is not a Procore operation`];
  return Object.keys(query)
    .filter((name) => !params.has(name))
    .map((name) => `${method} ${template} does not declare ${name}`);
}

const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-15T12:00:00Z', basis: 'cursor' as const };

describe('removal and discovery requests are declared operations', () => {
  it('has the query parameters per operation (the refreshed operations file)', () => {
    expect(declared.get('GET /rest/v1.0/projects/{project_id}/rfis/recycle_bin')).toEqual(new Set(['page', 'per_page', 'filters[updated_at]']));
  });

  it.each(RESOURCE_NAMES.map((name) => [name] as const))('%s: where its removed records are read', (name) => {
    const source = removalSourceOf(name);
    const resource = getResource(name);
    const scope = { companyId: 11, projectId: resource.scope === 'project' ? 22 : null, resource: name };
    if (source.kind === 'list-query') {
      // Rides on the resource's own list: the list declares the extra parameters.
      expect(undeclared('GET', resource.paths.list!, removalListQuery(name))).toEqual([]);
      return;
    }
    if (source.kind === 'none') {
      // Nothing declared: no request is made, and the list declares no include_deleted either.
      expect(removalRequest(source, scope, window)).toBeUndefined();
      expect(resource.deleted).toBe('none');
      return;
    }
    const request = removalRequest(source, scope, window)!;
    const query = { ...request.query, ...(request.perPage === undefined ? {} : { page: 1, per_page: request.perPage }) };
    expect(undeclared(request.method, source.path, query)).toEqual([]);
    expect(request.path).not.toMatch(/[{}]/);
  });

  it('discovers projects of every status with a declared filters[by_status]', async () => {
    const requests: { path: string; query: Record<string, unknown> }[] = [];
    const procore = {
      async *pages(req: { path: string; query?: Record<string, unknown>; perPage: number }) {
        requests.push({ path: req.path, query: { ...req.query, page: 1, per_page: req.perPage } });
        yield { items: [{ id: 5, active: false }], page: 1, perPage: req.perPage, hasNext: false };
      },
    };
    const config = SyncConfigSchema.parse({ resources: ['rfis'] });
    await expect(discoverProjects(11, config, { procore: procore as never, resources: registryListSpecs, logger: silentLogger })).resolves.toEqual([
      { id: 5, active: false },
    ]);
    await discoverProjects(11, { ...config, projectStatus: 'active' }, { procore: procore as never, resources: registryListSpecs, logger: silentLogger });
    expect(requests.map((r) => r.query['filters[by_status]'])).toEqual(['All', 'Active']);
    for (const r of requests) expect(undeclared('GET', r.path, r.query)).toEqual([]);
  });
});
