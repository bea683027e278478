// The projects of a company whose tools a run pulls: Procore lists the app's permitted projects,
// and only active ones unless filters[by_status] (declared on GET /rest/v1.0/projects) says
// Inactive or All. sync.projectStatus "all" (default) asks for All, so a closed project keeps
// syncing (at the slower cadence of cadence/scope-turn.ts); "active" asks for Active.
import type { ProcoreClient } from '../../commons/procore/client';
import type { ResourceListSpecs } from '../list-spec';
import type { SyncConfig } from '../sync-config';

export interface DiscoveredProject {
  id: number;
  /** False for an inactive (closed) project. */
  active: boolean;
}

export interface DiscoverProjectsDeps {
  procore: Pick<ProcoreClient, 'pages'>;
  resources: ResourceListSpecs;
  deadline?: () => number;
}

export async function discoverProjects(companyId: number, config: SyncConfig, deps: DiscoverProjectsDeps): Promise<DiscoveredProject[]> {
  const spec = deps.resources('projects');
  const request = spec.listRequest({ companyId, projectId: null, resource: 'projects' });
  const wanted = config.projects === 'all' ? undefined : new Set(config.projects);
  const projects: DiscoveredProject[] = [];
  for await (const page of deps.procore.pages<{ id: number; active?: boolean }>({
    ...request,
    query: { ...request.query, 'filters[by_status]': config.projectStatus === 'all' ? 'All' : 'Active' },
    perPage: spec.maxPerPage,
    ...(deps.deadline ? { deadline: deps.deadline() } : {}),
  })) {
    for (const project of page.items) {
      if (!wanted || wanted.has(project.id)) projects.push({ id: project.id, active: project.active !== false });
    }
  }
  return projects;
}
