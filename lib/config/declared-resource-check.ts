// Checks a resource declaration against Procore's operations file (docs/procore-endpoints.tsv) the
// way `cdk synth` needs it: every request the connector would build for it (list, pull window with
// its filters and paging, show, create, update, delete, batch upsert, origin_id lookup, where its
// removed records are read), built by the connector's own request builders, must be a declared
// operation with declared query parameters and body type. Each problem names the declaration field
// that causes it, e.g. `paths.list: GET /rest/v1.0/foo not declared`.
import type { DeclaredOperations } from '../../functions/commons/procore/declared-operations';
import type { ProcoreRequest } from '../../functions/commons/procore/client';
import type { ResourceDefinition, ResourceOperation, ScopeIds } from '../../functions/commons/resources/resource-definition';
import * as builders from '../../functions/commons/resources/request-builders';
import { removalRequest } from '../../functions/pull/removals/removal-requests';

export interface DeclarationProblem {
  /** The field inside the declaration, e.g. ['paths', 'list'] or ['requests', 'list', 'query', 'view']. */
  path: string[];
  message: string;
}

type Built = Omit<ProcoreRequest, 'deadline'>;

/** One request the declaration leads to: which operation (field) it comes from and its path template. */
interface Probe {
  field: string[];
  operation?: ResourceOperation;
  template: string;
  build: () => Built;
}

const IDS = { companyId: 1, projectId: 2 };
const PARENT_ID = 4;
const RECORD_ID = 3;
const WINDOW = { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z', basis: 'cursor' as const };

function probes(resource: ResourceDefinition): Probe[] {
  const scope: ScopeIds = { ...(resource.scope === 'project' ? IDS : { companyId: IDS.companyId }), ...(resource.parent ? { parentId: PARENT_ID } : {}) };
  const paths = resource.paths;
  // page/per_page unless the list declares no paging (`paged: false`: one answer holds it all).
  const paged = (request: Built): Built =>
    resource.paged === false ? request : { ...request, query: { ...request.query, page: 1, per_page: resource.maxPerPage } };
  const withPages = (request: Built): Built => ({ ...request, query: { ...request.query, page: 1, per_page: resource.maxPerPage } });
  const removalQuery = resource.removals.kind === 'list-query' ? resource.removals.listQuery : {};
  // A push-only resource (no list) is never read whole: only its writes and show are probed.
  const listTemplate = paths.list;
  const list: Probe[] = listTemplate
    ? [
        { field: ['paths', 'list'], operation: 'list', template: listTemplate, build: () => paged(builders.buildListRequest(resource, scope)) },
        {
          field: ['paths', 'list'],
          operation: 'list',
          template: listTemplate,
          build: () => {
            const request = paged(builders.buildPullListRequest(resource, scope, `${WINDOW.start}...${WINDOW.end}`));
            return { ...request, query: { ...request.query, ...removalQuery } };
          },
        },
      ]
    : [];
  if (resource.parent) {
    // The parents' list (read whole, paged) that a list served under a parent record is walked by.
    list.push({ field: ['parent', 'list'], template: resource.parent.list, build: () => withPages(builders.buildParentListRequest(resource, scope)) });
  }
  if (resource.originId && listTemplate) {
    list.push({ field: ['originId'], operation: 'list', template: listTemplate, build: () => builders.buildOriginLookupRequest(resource, scope, 'ERP-1') });
  }
  const record = (operation: ResourceOperation, build: () => Built): Probe[] =>
    paths[operation] ? [{ field: ['paths', operation], operation, template: paths[operation]!, build }] : [];
  const source = resource.removals;
  const removal: Probe[] =
    source.kind === 'recycle-bin' || source.kind === 'inactive-list'
      ? [
          {
            field: ['removals', 'path'],
            template: source.path,
            build: () => {
              const syncScope = { companyId: IDS.companyId, projectId: resource.scope === 'project' ? IDS.projectId : null, resource: resource.name };
              const { perPage, ...request } = removalRequest(source, syncScope, WINDOW)!;
              return perPage === undefined ? request : { ...request, query: { ...request.query, page: 1, per_page: perPage } };
            },
          },
        ]
      : [];
  return [
    ...list,
    ...record('show', () => builders.buildShowRequest(resource, scope, RECORD_ID)),
    ...record('create', () => builders.buildWriteRequest(resource, 'create', scope, { name: 'x' })),
    ...record('update', () => builders.buildWriteRequest(resource, 'update', scope, { name: 'x' }, RECORD_ID)),
    ...record('delete', () => builders.buildWriteRequest(resource, 'delete', scope, {}, RECORD_ID)),
    ...record('batchUpsert', () => builders.buildBatchUpsertRequest(resource, scope, [{ origin_id: 'ERP-1' }])),
    ...removal,
  ];
}

/** The declaration field that put an undeclared query parameter into a request. */
function parameterField(resource: ResourceDefinition, probe: Probe, param: string): string[] {
  const own = probe.operation ? resource.requests?.[probe.operation]?.query : undefined;
  if (probe.operation && own && param in own) return ['requests', probe.operation, 'query', param];
  if (param === 'company_id' || param === 'project_id') {
    const write = probe.operation === 'create' || probe.operation === 'update' || probe.operation === 'batchUpsert';
    return write ? ['requests', probe.operation!, 'scopeIn'] : ['listQuery'];
  }
  if (param === 'filters[updated_at]') return probe.field[0] === 'removals' ? probe.field : ['incremental'];
  if (param === 'filters[include_deleted]') return ['deleted'];
  if (resource.removals.kind === 'list-query' && param in resource.removals.listQuery) return ['removals', 'listQuery', param];
  return probe.field;
}

function problemsOf(resource: ResourceDefinition, probe: Probe, operations: DeclaredOperations): DeclarationProblem[] {
  let request: Built;
  try {
    request = probe.build();
  } catch (error) {
    return [{ path: probe.field, message: (error as Error).message }];
  }
  const write = request.body !== undefined;
  const refusal = operations.check({
    method: request.method,
    path: request.path,
    queryParams: Object.keys(request.query ?? {}),
    ...(write ? { contentType: request.bodyType ?? 'application/json' } : {}),
  });
  if (!refusal) return [];
  if (refusal.status === 404) return [{ path: probe.field, message: `${request.method} ${probe.template} not declared in docs/procore-endpoints.tsv` }];
  if (refusal.status === 415) return [{ path: ['requests', probe.operation ?? 'list', 'body'], message: refusal.reason }];
  const declared = operations.match(request.method, request.path);
  return refusal.undeclared.map((param) => ({
    path: parameterField(resource, probe, param),
    message: `${request.method} ${declared?.path ?? probe.template} does not declare the query parameter ${param} (declared: ${[...(declared?.queryParams ?? [])].join(', ') || 'none'})`,
  }));
}

/** Every problem of the declaration against the operations file; empty when all its requests are declared. */
export function checkDeclaredRequests(resource: ResourceDefinition, operations: DeclaredOperations): DeclarationProblem[] {
  const seen = new Set<string>();
  return probes(resource)
    .flatMap((probe) => problemsOf(resource, probe, operations))
    .filter((problem) => {
      const key = `${problem.path.join('.')}: ${problem.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
