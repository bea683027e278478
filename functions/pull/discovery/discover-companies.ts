// Which companies a run pulls. A configured list is taken as it is. "all" asks Procore
// (GET /rest/v1.0/companies lists the companies where the app is installed), which with a DMSA token
// needs a Procore-Company-Id header naming one of them (developers.procore.com/documentation/
// oauth-client-credentials, "Using Developer Managed Service Accounts with MPR"; no documented call
// works without one, /rest/v1.0/me and /oauth/token/info included). So it asks from what is known,
// in turn until one answers: sync.discoveryCompanyId if set, the company the last discovery asked
// from, then every company it found (kept in the state table). A company that uninstalled the app
// (403) or fails is skipped for the next one. With nothing known (a first run without
// discoveryCompanyId) it fails, naming what to configure. A listed company whose id the connector
// cannot carry (beyond 2^53-1) is left out with its reason (readable-ids.ts).
import type { ProcoreClient } from '../../commons/procore/client';
import type { LoggerLike } from '../../commons/observability/logger';
import type { SyncTable } from '../state/cursor';
import { readDiscoveredCompanies, saveDiscoveredCompanies } from '../state/discovered-companies';
import type { SyncConfig } from '../sync-config';
import { withReadableIds, type RefusedIdDeps } from './readable-ids';

const COMPANIES_PATH = '/rest/v1.0/companies';
const DISCOVERY_PER_PAGE = 100;

export interface DiscoverCompaniesDeps extends RefusedIdDeps {
  procore: Pick<ProcoreClient, 'pages'>;
  table: SyncTable;
  logger: LoggerLike;
  now: () => number;
  deadline?: () => number;
}

export interface CompanyDiscovery {
  companies: number[];
  /** The company whose header answered (undefined for a configured list). */
  askedFrom?: number;
  /** Companies asked before one answered, and what went wrong. */
  failed: { companyId: number; error: unknown }[];
}

/** "all" with no company to ask from: the first run needs one configured. */
class DiscoveryNotConfiguredError extends Error {
  override readonly name = 'DiscoveryNotConfiguredError';
}

/** Every known company was asked and none answered. */
class DiscoveryFailedError extends Error {
  override readonly name = 'DiscoveryFailedError';
  constructor(
    message: string,
    readonly failed: CompanyDiscovery['failed'],
  ) {
    super(message);
  }
}

export async function discoverCompanies(config: SyncConfig, deps: DiscoverCompaniesDeps): Promise<CompanyDiscovery> {
  if (config.companies !== 'all') return { companies: config.companies, failed: [] };
  const known = await readDiscoveredCompanies(deps.table);
  const candidates = [...new Set([config.discoveryCompanyId, known?.askedFrom, ...(known?.ids ?? [])].filter((id): id is number => id !== undefined))];
  if (candidates.length === 0) {
    throw new DiscoveryNotConfiguredError(
      'sync.companies is "all" but no company where the app is installed is known yet: set sync.discoveryCompanyId in the stage ' +
        'config (cdk.json) to the id of one such company, or list sync.companies. Procore requires a Procore-Company-Id header even on ' +
        'GET /rest/v1.0/companies with a DMSA token; after one discovery has succeeded the connector remembers the installed ' +
        'companies (state table) and asks from them.',
    );
  }
  const failed: CompanyDiscovery['failed'] = [];
  for (const companyId of candidates) {
    try {
      const companies = await listInstalledCompanies(companyId, deps);
      await saveDiscoveredCompanies(deps.table, { ids: companies, askedFrom: companyId, discoveredAt: new Date(deps.now()).toISOString() });
      return { companies, askedFrom: companyId, failed };
    } catch (error) {
      failed.push({ companyId, error });
      deps.logger.warn("Could not list companies with this company's header; asking from the next known company", {
        companyId,
        error: error instanceof Error ? error.message : String(error),
        remaining: candidates.length - failed.length,
      });
    }
  }
  throw new DiscoveryFailedError(
    `company discovery failed from every known company (${failed.map((f) => `${f.companyId}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('; ')}); ` +
      'if the app was uninstalled from all of them, set sync.discoveryCompanyId to a company where it is installed',
    failed,
  );
}

async function listInstalledCompanies(askFrom: number, deps: DiscoverCompaniesDeps): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of deps.procore.pages<{ id?: unknown }>({
    method: 'GET',
    path: COMPANIES_PATH,
    companyId: askFrom,
    perPage: DISCOVERY_PER_PAGE,
    ...(deps.deadline ? { deadline: deps.deadline() } : {}),
  })) {
    ids.push(...withReadableIds(page.items, 'company', deps, { askedFrom: askFrom }).map((company) => company.id));
  }
  return ids;
}
