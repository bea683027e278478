// The financial resources ERP and accounting integrations exchange (issue 17): commitments, change
// orders, prime contracts, direct costs, invoices, cost codes, sub jobs, budget rows and line
// items, timecards. Every path, query parameter and body type is the one Procore declares for that
// operation in docs/procore-endpoints.tsv (test/procore/declared-requests.test.ts builds and checks
// every request); wrapper keys and required ids are those of Procore's request bodies
// (procore/documentation's OpenAPI, as the procore_python_sdk / procore_sdk docs render it: e.g.
// Body45 `change_order`, Body92 `direct_cost`, Body19 `project_id, commitment_id, requisition`).
// Each entry states only what differs from `financial()`'s defaults (project scope, the scope id as
// query parameter and top-level body key where the path lacks it, incremental, no origin_id, pages
// of 1000, Admin on the tool).
// `incremental: false` marks lists that declare no filters[updated_at]: commitment change orders,
// cost codes (project, sub job and standard), sub jobs are listed whole once a day and deliver only
// records whose content hash changed (and ids that left the list as removed); budget view detail
// rows are read whole on every pull (their ids are per budget view, so one hash partition per scope
// cannot hold them yet). Budget line items have no list: push-only.
import type { FinancialResourceName } from './names';
import type { ResourceDeclarationInput } from './resource-declaration';
import type { ResourceOperation, ScopeParam } from './resource-definition';

type Declaration<N extends string> = ResourceDeclarationInput & { name: N };

/** What an entry says: its collection, operations and whatever differs from the defaults. */
type Entry = Omit<Partial<ResourceDeclarationInput>, 'name' | 'paths' | 'permission' | 'wrapperKey'> & {
  wrapperKey: string;
  /** The list path; create at it, show/update/delete at `<collection>/{id}`, sync at `<collection>/sync`. */
  collection: string;
  /** The operations Procore declares at those places. */
  operations: readonly ResourceOperation[];
  /** Paths elsewhere than at the collection (prime contracts' singular record path, direct costs' v1.0 sync). */
  paths?: Partial<ResourceDeclarationInput['paths']>;
  /** The tool in Procore's Permissions Builder; `level` defaults to admin (writes need it on most financial tools). */
  tool: string;
  level?: ResourceDeclarationInput['permission']['level'];
};

/** Read and write one by one: the operations most financial resources declare. */
const RECORDS = ['list', 'show', 'create', 'update'] as const satisfies readonly ResourceOperation[];

/** Lists without filters[updated_at]: a daily full listing delivers only records whose content changed (content hash). */
const CONTENT_HASHED = { incremental: false, changeDetection: 'content-hash' } as const;

/** The commitments list's compact default view lacks updated_at and money (as work order contracts'). */
const EXTENDED_LIST: ResourceDeclarationInput['requests'] = { list: { query: { view: 'extended' } } };

function pathsAt(collection: string, operations: readonly ResourceOperation[]): ResourceDeclarationInput['paths'] {
  const at: Record<ResourceOperation, string> = {
    list: collection,
    show: `${collection}/{id}`,
    create: collection,
    update: `${collection}/{id}`,
    delete: `${collection}/{id}`,
    batchUpsert: `${collection}/sync`,
  };
  return Object.fromEntries(operations.map((operation) => [operation, at[operation]])) as ResourceDeclarationInput['paths'];
}

/** A declaration from an entry, with the defaults filled in. */
function financial<N extends string>(name: N, entry: Entry): Declaration<N> {
  const { collection, operations, paths, tool, level = 'admin', ...fields } = entry;
  const scope = fields.scope ?? 'project';
  const scopeParam: ScopeParam = scope === 'project' ? 'project_id' : 'company_id';
  // The scope id travels as a query parameter (reads) and a top-level body key (writes) unless the path carries it.
  const scopeIds: ScopeParam[] = collection.includes(`{${scopeParam}}`) ? [] : [scopeParam];
  return {
    name,
    scope,
    apiVersion: /\/rest\/(v\d+\.\d+)\//.exec(collection)?.[1],
    paths: { ...pathsAt(collection, operations), ...paths },
    listQuery: scopeIds,
    bodyScope: scopeIds,
    originId: false,
    incremental: true,
    deleted: 'none',
    maxPerPage: 1000,
    ...fields,
    permission: { tool, level, scope },
  };
}

export const FINANCIAL_RESOURCES: { readonly [N in FinancialResourceName]: Declaration<N> } = {
  purchase_order_contracts: financial('purchase_order_contracts', {
    collection: '/rest/v1.0/purchase_order_contracts',
    operations: [...RECORDS, 'delete', 'batchUpsert'],
    wrapperKey: 'purchase_order_contract',
    originId: true,
    deleted: 'filters[include_deleted]',
    tool: 'Commitments',
    requests: EXTENDED_LIST,
  }),
  commitment_change_orders: financial('commitment_change_orders', {
    collection: '/rest/v1.0/projects/{project_id}/commitment_change_orders',
    operations: [...RECORDS, 'delete'],
    // Body45 / Body46: `{"change_order": {...}}`.
    wrapperKey: 'change_order',
    // The list declares neither filters[updated_at] nor page/per_page: one answer, read whole.
    ...CONTENT_HASHED,
    paged: false,
    tool: 'Commitments',
  }),
  potential_change_orders: financial('potential_change_orders', {
    // PATCH .../sync declares contract_id as a required query parameter: one contract per call,
    // which a batch of mixed contracts cannot give; writes go one by one.
    collection: '/rest/v1.0/potential_change_orders',
    operations: RECORDS,
    wrapperKey: 'change_order',
    // `{"project_id", "contract_id", "change_order": {...}}` (RestV10PotentialChangeOrdersPostRequest).
    topLevelFromData: ['contract_id'],
    originId: true,
    deleted: 'filters[include_deleted]',
    // Creating a PCO for a prime contract needs Admin on Prime Contracts (Standard only where the tool's
    // settings allow it): Procore Support, "Prime Contracts - Permissions" (permissions matrix).
    tool: 'Prime Contracts',
  }),
  change_order_requests: financial('change_order_requests', {
    collection: '/rest/v1.0/change_order_requests',
    operations: RECORDS,
    wrapperKey: 'change_order',
    topLevelFromData: ['contract_id'],
    // The list requires contract_id (the prime contract): listed per prime contract of the project.
    parent: { param: 'contract_id', list: '/rest/v1.0/prime_contracts', listQuery: ['project_id'] },
    tool: 'Prime Contracts',
  }),
  change_events: financial('change_events', {
    collection: '/rest/v1.0/change_events',
    operations: RECORDS,
    wrapperKey: 'change_event',
    deleted: 'filters[include_deleted]',
    tool: 'Change Events',
    level: 'standard',
    // POST and PATCH declare project_id as a query parameter.
    requests: { create: { scopeIn: 'query' }, update: { scopeIn: 'query' } },
  }),
  prime_contracts: financial('prime_contracts', {
    // Listed at the plural path; each record at the singular one.
    collection: '/rest/v1.0/prime_contracts',
    operations: ['list'],
    paths: pathsAt('/rest/v1.0/prime_contract', ['show', 'create', 'update', 'delete']),
    wrapperKey: 'prime_contract',
    tool: 'Prime Contracts',
  }),
  direct_costs: financial('direct_costs', {
    collection: '/rest/v1.1/projects/{project_id}/direct_costs',
    operations: [...RECORDS, 'delete'],
    // Only v1.0 has the sync (its items are the same direct cost fields, `{"updates": [...]}`).
    paths: { batchUpsert: '/rest/v1.0/projects/{project_id}/direct_costs/sync' },
    // v1.1 bodies wrap in `direct_cost` (Body92, Body93); v1.0 used `item`.
    wrapperKey: 'direct_cost',
    originId: true,
    // Deleting a direct cost needs Admin on the Direct Costs tool.
    tool: 'Direct Costs',
  }),
  requisitions: financial('requisitions', {
    collection: '/rest/v1.1/requisitions',
    operations: [...RECORDS, 'delete'],
    wrapperKey: 'requisition',
    // `{"project_id", "commitment_id", "requisition": {...}}` (Body19, Body20).
    topLevelFromData: ['commitment_id'],
    originId: true,
    // Subcontractor invoices live in the Commitments tool.
    tool: 'Commitments',
  }),
  cost_codes: financial('cost_codes', {
    // Without sub_job_id the list holds the project's own cost codes (biller the project); a sub
    // job's are listed with its sub_job_id: sub_job_cost_codes.
    collection: '/rest/v1.0/cost_codes',
    operations: [...RECORDS, 'batchUpsert'],
    wrapperKey: 'cost_code',
    originId: true,
    ...CONTENT_HASHED,
    // A project's cost codes are kept in its Admin tool.
    tool: 'Admin',
    // The sync declares project_id as a query parameter (its body is `updates`).
    requests: { batchUpsert: { scopeIn: 'query' } },
  }),
  sub_job_cost_codes: financial('sub_job_cost_codes', {
    // The same operations as cost_codes, with `sub_job_id` (declared on list, show and sync): listed
    // per sub job of the project; created with `{"project_id", "sub_job_id", "cost_code"}` (Body93),
    // synced with `?project_id=&sub_job_id=` (one sub job per call).
    collection: '/rest/v1.0/cost_codes',
    operations: [...RECORDS, 'batchUpsert'],
    wrapperKey: 'cost_code',
    topLevelFromData: ['sub_job_id'],
    originId: true,
    ...CONTENT_HASHED,
    parent: { param: 'sub_job_id', list: '/rest/v1.0/sub_jobs', listQuery: ['project_id'] },
    tool: 'Admin',
    requests: { batchUpsert: { scopeIn: 'query' } },
  }),
  standard_cost_codes: financial('standard_cost_codes', {
    // Company level, listed per standard cost code list (standard_cost_code_list_id is required):
    // the company's lists come from GET /rest/v1.0/standard_cost_code_lists?company_id=. Created
    // with `{"company_id", "standard_cost_code_list_id", "standard_cost_code"}` (Body103) and synced
    // with `{"company_id", "standard_cost_code_list_id", "updates"}` (StandardCostCodeSyncBody).
    scope: 'company',
    collection: '/rest/v1.0/standard_cost_codes',
    operations: [...RECORDS, 'delete', 'batchUpsert'],
    wrapperKey: 'standard_cost_code',
    topLevelFromData: ['standard_cost_code_list_id'],
    originId: true,
    ...CONTENT_HASHED,
    parent: { param: 'standard_cost_code_list_id', list: '/rest/v1.0/standard_cost_code_lists', listQuery: ['company_id'] },
    // Standard cost codes are the company Admin tool's Work Breakdown Structure.
    tool: 'Admin',
    // The default view holds only id and standard_cost_code_list_id; extended has code, name and origin_id.
    requests: { list: { query: { view: 'extended' } }, show: { query: { view: 'extended' } }, batchUpsert: { query: { view: 'extended' } } },
  }),
  sub_jobs: financial('sub_jobs', {
    collection: '/rest/v1.0/sub_jobs',
    operations: [...RECORDS, 'delete', 'batchUpsert'],
    wrapperKey: 'sub_job',
    ...CONTENT_HASHED,
    tool: 'Admin',
    requests: { batchUpsert: { scopeIn: 'query' } },
  }),
  timecard_entries: financial('timecard_entries', {
    scope: 'company',
    collection: '/rest/v1.0/companies/{company_id}/timecard_entries',
    operations: [...RECORDS, 'delete'],
    wrapperKey: 'timecard_entry',
    // `{"project_id", "timecard_entry": {...}}`: the entry's project, beside the wrapper.
    topLevelFromData: ['project_id'],
    // "'Admin' level permissions on the Company level Timecard tool required to create/update
    // timecard entries": procore/documentation tutorials/tutorial_timecard_entries.md, Prerequisites.
    tool: 'Timecard',
  }),
  budget_view_detail_rows: financial('budget_view_detail_rows', {
    // Read-only: Procore declares only the list; the rows' budget line items are written as
    // budget_line_items (each row names its `budget_line_item_id`).
    collection: '/rest/v1.0/budget_views/{budget_view_id}/detail_rows',
    operations: ['list'],
    wrapperKey: 'detail_row',
    incremental: false,
    parent: { param: 'budget_view_id', list: '/rest/v1.0/budget_views', listQuery: ['project_id'] },
    tool: 'Budget',
    level: 'read_only',
  }),
  budget_line_items: financial('budget_line_items', {
    // Push-only: Procore declares show, create, update and sync but no list (they are read as
    // budget view detail rows). `{"project_id", "budget_line_item": {...}}`; the sync is
    // `POST .../sync` with `{"project_id", "budget_line_items": [...]}`, its items addressed by
    // `id` only (no origin_id), answered with the array of line items.
    collection: '/rest/v1.0/budget_line_items',
    operations: ['show', 'create', 'update', 'batchUpsert'],
    wrapperKey: 'budget_line_item',
    incremental: false,
    // Adding and editing budget line items needs Admin on the project Budget tool (Standard only with
    // the 'Modify original budget amount' granular permission): Procore Support, "Budget - Permissions".
    tool: 'Budget',
    requests: { batchUpsert: { method: 'POST', itemsKey: 'budget_line_items', addressedBy: 'id' } },
  }),
};
