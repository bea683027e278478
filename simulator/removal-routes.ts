// Where Procore shows records that left a resource's default list, as its operations file declares
// them (docs/procore-endpoints.tsv): recycle bins (RFIs, submittals, observations; `filters[updated_at]`
// declared, observations without page/per_page), inactive lists (vendors, company users; no updated_at
// filter), and the project list's `filters[by_status]` (Active by default, Inactive, All).
import { forbidden, HttpError, notFound } from './http-error';
import { paginate } from './pagination';
import type { AfterListPage, RestRequest, RestResponse } from './rest';
import type { ResourceDefinition, SimResourceName } from './resources';
import type { ListFilter, Scope, SimStore } from './store';

export interface RemovalRoute {
  method: 'GET';
  /** `{company_id}` and `{project_id}` match decimal ids. */
  path: string;
  resource: SimResourceName;
  list: 'recycle-bin' | 'inactive';
  /** page/per_page declared (the observations recycle bin declares neither: one answer). */
  paged: boolean;
}

export const REMOVAL_ROUTES: RemovalRoute[] = [
  { method: 'GET', path: '/rest/v1.0/projects/{project_id}/rfis/recycle_bin', resource: 'rfis', list: 'recycle-bin', paged: true },
  { method: 'GET', path: '/rest/v1.0/projects/{project_id}/submittals/recycle_bin', resource: 'submittals', list: 'recycle-bin', paged: true },
  { method: 'GET', path: '/rest/v1.1/projects/{project_id}/submittals/recycle_bin', resource: 'submittals', list: 'recycle-bin', paged: true },
  { method: 'GET', path: '/rest/v1.0/projects/{project_id}/recycle_bin/observations/items', resource: 'observations', list: 'recycle-bin', paged: false },
  { method: 'GET', path: '/rest/v1.0/companies/{company_id}/vendors/inactive', resource: 'vendors', list: 'inactive', paged: true },
  { method: 'GET', path: '/rest/v1.0/companies/{company_id}/users/inactive', resource: 'company_users', list: 'inactive', paged: true },
];

const compiled = REMOVAL_ROUTES.map((route) => ({
  route,
  regex: new RegExp(`^${route.path.replace(/\./g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>\\d+)')}$`),
}));

const DEFAULT_PER_PAGE = 100;

/** A recycle bin or inactive list answer, or undefined when the request is for another route. */
export function handleRemovalRoute(store: SimStore, req: RestRequest, maxPerPage: number, served?: AfterListPage): RestResponse | undefined {
  if (req.method !== 'GET') return undefined;
  for (const { route, regex } of compiled) {
    const match = regex.exec(req.path);
    if (!match) continue;
    const scope = removalScope(store, req, match.groups ?? {});
    const filter: ListFilter = route.list === 'recycle-bin' ? { deleted: 'only', ...updatedAtRange(req.url) } : { activity: 'inactive' };
    const ids = store.inListOrder(route.resource, store.query(route.resource, scope, filter));
    const render = (id: number) => store.rendered(route.resource, store.get(route.resource, id)!);
    const page = route.paged ? paginate(ids, req.url, DEFAULT_PER_PAGE, maxPerPage) : undefined;
    const items = page?.items ?? ids;
    const body = items.map(render);
    served?.({
      resource: route.resource,
      list: route.list,
      path: req.path,
      query: Object.fromEntries(req.url.searchParams),
      page: page?.page ?? 1,
      perPage: page?.perPage ?? ids.length,
      ids: items,
      total: ids.length,
    });
    return page ? { status: 200, body, headers: page.headers } : { status: 200, body };
  }
  return undefined;
}

/**
 * The default list's filter from `filters[by_status]` (projects: Active unless it says Inactive or
 * All); vendors and users lists show active records only. Other resources: nothing.
 */
export function activityFilter(def: ResourceDefinition, url: URL): Pick<ListFilter, 'activity'> {
  if (!def.activeField) return {};
  if (def.name !== 'projects') return { activity: 'active' };
  const status = url.searchParams.get('filters[by_status]');
  if (status === null) return { activity: 'active' };
  const activity = ({ Active: 'active', Inactive: 'inactive', All: 'all' } as const)[status as 'Active' | 'Inactive' | 'All'];
  if (!activity) throw new HttpError(400, { errors: `filters[by_status] must be Active, Inactive or All, got ${JSON.stringify(status)}` });
  return { activity };
}

function removalScope(store: SimStore, req: RestRequest, ids: Record<string, string>): Scope {
  const companyId = ids.company_id === undefined ? req.companyId : Number(ids.company_id);
  if (companyId !== req.companyId) {
    throw forbidden(`company_id ${companyId} does not match the Procore-Company-Id header (${req.companyId})`);
  }
  if (ids.project_id === undefined) return { companyId };
  const projectId = Number(ids.project_id);
  const project = store.project(projectId);
  if (!project || project.deleted || project.companyId !== companyId) throw notFound('Project not found');
  if (!project.permitted) {
    throw new HttpError(403, { errors: 'This project is not a permitted project for this app. Ask a company admin to add it in App Management.' });
  }
  return { companyId, projectId };
}

function updatedAtRange(url: URL): Pick<ListFilter, 'updatedFrom' | 'updatedTo'> {
  const value = url.searchParams.get('filters[updated_at]');
  if (value === null) return {};
  const [fromText, toText, ...rest] = value.split('...');
  const from = Date.parse(fromText ?? '');
  const to = Date.parse(toText ?? '');
  if (rest.length > 0 || Number.isNaN(from) || Number.isNaN(to)) {
    throw new HttpError(400, { errors: `filters[updated_at] must be an ISO 8601 range "<from>...<to>", got ${JSON.stringify(value)}` });
  }
  return { updatedFrom: from, updatedTo: to };
}
