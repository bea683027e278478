// The projects of a company whose tools a run pulls: Procore lists the app's permitted projects,
// and only active ones unless filters[by_status] (declared on GET /rest/v1.0/projects) says
// Inactive or All. sync.projectStatus "all" (default) asks for All, so a closed project keeps
// syncing (at the slower cadence of cadence/scope-turn.ts); "active" asks for Active. A project
// whose id the connector cannot carry (beyond 2^53-1) is left out with its reason (readable-ids.ts).
import type { ProcoreClient } from '../../commons/procore/client';
import type { ResourceListSpecs } from '../list-spec';
import type { SyncConfig } from '../sync-config';
import { withReadableIds, type RefusedIdDeps } from './readable-ids';

export interface DiscoveredProject {
  id: number;
  /** False for an inactive (closed) project. */
  active: boolean;
}

export interface DiscoverProjectsDeps extends RefusedIdDeps {
  procore: Pick<ProcoreClient, 'pages'>;
  resources: ResourceListSpecs;
  deadline?: () => number;
}

export async function discoverProjects(companyId: number, config: SyncConfig, deps: DiscoverProjectsDeps): Promise<DiscoveredProject[]> {
  const spec = deps.resources('projects');
  const request = spec.listRequest({ companyId, projectId: null, resource: 'projects' });
  const wanted = config.projects === 'all' ? undefined : new Set(config.projects);
  const projects: DiscoveredProject[] = [];
  for await (const page of deps.procore.pages<{ id?: unknown; active?: boolean }>({
    ...request,
    query: { ...request.query, 'filters[by_status]': config.projectStatus === 'all' ? 'All' : 'Active' },
    perPage: spec.maxPerPage,
    ...(deps.deadline ? { deadline: deps.deadline() } : {}),
  })) {
    for (const project of withReadableIds(page.items, 'project', deps, { companyId })) {
      if (!wanted || wanted.has(project.id)) projects.push({ id: project.id, active: project.active !== false });
    }
  }
  return projects;
}
