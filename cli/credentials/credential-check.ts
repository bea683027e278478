// `check-credentials`: the "test and validate in the development sandbox" step. Reads the DMSA
// secret, gets a token from the login host, lists the companies where the app is installed and
// their permitted projects, and asks each configured resource's list endpoint for one record to
// see whether its tool answers. Nothing here prints or returns the secret or the token.
import type { CredentialsSource } from '../../functions/commons/credentials/dmsa-secret';
import type { ProcoreClient } from '../../functions/commons/procore/client';
import type { ProcoreEnvironment } from '../../functions/commons/procore/environments';
import { ProcoreError } from '../../functions/commons/procore/errors';
import type { ResourceDefinition, ScopeIds } from '../../functions/commons/resources/registry';
import { buildListRequest, buildParentListRequest } from '../../functions/commons/resources/request-builders';
import { describe, listAll, procoreSession } from '../procore-session';

export interface CheckCredentialsDeps {
  environment: ProcoreEnvironment;
  credentials: CredentialsSource;
  /** The resources whose tools to probe (the stage's configured ones, or all). */
  resources: ResourceDefinition[];
  /**
   * Procore wants a Procore-Company-Id header even on GET /rest/v1.0/companies: the company to ask
   * from (one where the app is installed). Without it the check stops after the token.
   */
  discoveryCompanyId?: number;
  /** Only these companies (default: every company where the app is installed). */
  companies?: number[];
  /** Probe project tools in this project (default: each company's first permitted project). */
  projectId?: number;
  /** Per Procore call, retries included. Default 30 s. */
  callBudgetMs?: number;
}

export type ProbeOutcome = 'ok' | 'forbidden' | 'not_found' | 'failed' | 'skipped';

export interface ToolProbe {
  resource: string;
  tool: string;
  scope: 'company' | 'project';
  level: string;
  projectId?: number;
  outcome: ProbeOutcome;
  httpStatus?: number;
  detail: string;
}

export interface CompanyReport {
  id: number;
  name?: string;
  /** Permitted projects (what the service account can reach), or the error listing them. */
  projects: { id: number; name: string }[];
  projectsError?: string;
  tools: ToolProbe[];
  /** The company cannot be used at all (e.g. the app is not installed there). */
  error?: string;
}

export interface CredentialsReport {
  environment: ProcoreEnvironment;
  credentialsSource: string;
  token: { ok: true } | { ok: false; error: string };
  companies: CompanyReport[];
  /** Why company discovery did not run or failed. */
  discoveryError?: string;
  /** True when the token worked and every probed tool answered. */
  ok: boolean;
}

interface CompanyJson {
  id: number;
  name?: string;
}

export async function checkCredentials(deps: CheckCredentialsDeps): Promise<CredentialsReport> {
  const budget = deps.callBudgetMs ?? 30_000;
  const { tokens, client } = procoreSession(deps.environment, deps.credentials, budget);
  const base = { environment: deps.environment, credentialsSource: deps.credentials.description ?? 'DMSA credentials' };

  try {
    await tokens.getToken({ deadline: Date.now() + budget });
  } catch (error) {
    return { ...base, token: { ok: false, error: describe(error) }, companies: [], ok: false };
  }

  const askFrom = deps.discoveryCompanyId ?? deps.companies?.[0];
  if (askFrom === undefined) {
    return {
      ...base,
      token: { ok: true },
      companies: [],
      discoveryError:
        'no company id to ask from: Procore needs a Procore-Company-Id header even to list companies; pass --company ID (a company where the app is installed)',
      ok: false,
    };
  }

  let installed: CompanyJson[];
  try {
    installed = await listAll<CompanyJson>(client, { method: 'GET', path: '/rest/v1.0/companies', companyId: askFrom }, budget);
  } catch (error) {
    return { ...base, token: { ok: true }, companies: [], discoveryError: `listing companies (asked as company ${askFrom}): ${describe(error)}`, ok: false };
  }

  const wanted = deps.companies ?? installed.map((c) => c.id);
  const companies: CompanyReport[] = [];
  for (const id of wanted) {
    const company = installed.find((c) => c.id === id);
    if (!company) {
      companies.push({ id, projects: [], tools: [], error: 'the app is not installed in this company (not in GET /rest/v1.0/companies)' });
      continue;
    }
    companies.push(await checkCompany(client, company, deps, budget));
  }
  const ok =
    companies.length > 0 && companies.every((c) => !c.error && !c.projectsError && c.tools.every((t) => t.outcome === 'ok' || t.outcome === 'skipped'));
  return { ...base, token: { ok: true }, companies, ok };
}

async function checkCompany(client: ProcoreClient, company: CompanyJson, deps: CheckCredentialsDeps, budget: number): Promise<CompanyReport> {
  const report: CompanyReport = { id: company.id, ...(company.name ? { name: company.name } : {}), projects: [], tools: [] };
  try {
    const projects = await listAll<{ id: number; name?: string }>(
      client,
      { method: 'GET', path: '/rest/v1.0/projects', companyId: company.id, query: { company_id: company.id } },
      budget,
    );
    report.projects = projects.map((p) => ({ id: p.id, name: p.name ?? '' }));
  } catch (error) {
    report.projectsError = describe(error);
  }
  const probeProject = deps.projectId ?? report.projects[0]?.id;
  for (const resource of deps.resources) {
    const { tool, level, scope } = resource.permission;
    const probe = { resource: resource.name, tool, level, scope };
    if (!resource.paths.list) {
      report.tools.push({ ...probe, outcome: 'skipped', detail: 'push-only: Procore declares no list to read (writes are not probed)' });
      continue;
    }
    if (resource.scope === 'project' && probeProject === undefined) {
      report.tools.push({ ...probe, outcome: 'skipped', detail: 'no permitted project to ask in' });
      continue;
    }
    const ids = resource.scope === 'project' ? { companyId: company.id, projectId: probeProject as number } : { companyId: company.id };
    const where = resource.scope === 'project' ? { projectId: probeProject as number } : {};
    try {
      const response = await client.request({ ...probeRequest(resource, ids), deadline: Date.now() + budget });
      const total = response.headers.total;
      report.tools.push({ ...probe, ...where, outcome: 'ok', httpStatus: response.status, detail: total !== undefined ? `${total} record(s)` : 'answers' });
    } catch (error) {
      const status = error instanceof ProcoreError ? error.status : undefined;
      const outcome: ProbeOutcome = status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'failed';
      const hint = status === 403 ? 'not permitted (tool permission missing in the app, tool disabled in the company/project, or project not permitted): ' : '';
      report.tools.push({ ...probe, ...where, outcome, ...(status !== undefined ? { httpStatus: status } : {}), detail: `${hint}${describe(error)}` });
    }
  }
  return report;
}

/**
 * One small read of the resource's list: its first record, or the whole answer of a list that
 * declares no paging; a list served under parent records probes the parents' list (same tool).
 */
function probeRequest(resource: ResourceDefinition, ids: ScopeIds) {
  const firstRecord = { page: 1, per_page: 1 };
  if (resource.parent) {
    const parents = buildParentListRequest(resource, ids);
    return { ...parents, query: { ...parents.query, ...firstRecord } };
  }
  return buildListRequest(resource, ids, resource.paged === false ? {} : firstRecord);
}
