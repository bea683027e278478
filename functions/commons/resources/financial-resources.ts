// The financial resources ERP and accounting integrations exchange (issue 17): commitments, change
// orders, prime contracts, direct costs, invoices, cost codes, sub jobs, budget rows, timecards.
// Every path, query parameter and body type is the one Procore declares for that operation in
// docs/procore-endpoints.tsv (test/procore/declared-requests.test.ts builds and checks every request);
// wrapper keys and required ids are those of Procore's request bodies (procore/documentation's
// OpenAPI, as the procore_python_sdk docs render it: e.g. docs/Body45.md `change_order`,
// docs/Body92.md `direct_cost`, docs/Body19.md `project_id, commitment_id, requisition`).
// `incremental: false` marks lists that declare no filters[updated_at]: commitment change orders, cost
// codes and sub jobs are listed whole once a day and deliver only records whose content hash changed
// (and ids that left the list as removed); budget view detail rows are read whole on every pull (their
// ids are per budget view, so one hash partition per scope cannot hold them yet).
import type { FinancialResourceName } from './names';
import type { ResourceDeclarationInput } from './resource-declaration';

/** Procore v1 lists accept large pages; 1000 keeps one page's JSON comfortably in memory. */
const V1_MAX_PER_PAGE = 1000;

/** The commitments list's compact default view lacks updated_at and money (as work order contracts'). */
const EXTENDED_LIST: ResourceDeclarationInput['requests'] = { list: { query: { view: 'extended' } } };

export const FINANCIAL_RESOURCES: { readonly [N in FinancialResourceName]: ResourceDeclarationInput & { name: N } } = {
  purchase_order_contracts: {
    name: 'purchase_order_contracts',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/purchase_order_contracts',
      show: '/rest/v1.0/purchase_order_contracts/{id}',
      create: '/rest/v1.0/purchase_order_contracts',
      update: '/rest/v1.0/purchase_order_contracts/{id}',
      delete: '/rest/v1.0/purchase_order_contracts/{id}',
      batchUpsert: '/rest/v1.0/purchase_order_contracts/sync',
    },
    listQuery: ['project_id'],
    wrapperKey: 'purchase_order_contract',
    bodyScope: ['project_id'],
    originId: true,
    incremental: true,
    deleted: 'filters[include_deleted]',
    maxPerPage: V1_MAX_PER_PAGE,
    permission: { tool: 'Commitments', level: 'admin', scope: 'project' },
    requests: EXTENDED_LIST,
  },
  commitment_change_orders: {
    name: 'commitment_change_orders',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/projects/{project_id}/commitment_change_orders',
      show: '/rest/v1.0/projects/{project_id}/commitment_change_orders/{id}',
      create: '/rest/v1.0/projects/{project_id}/commitment_change_orders',
      update: '/rest/v1.0/projects/{project_id}/commitment_change_orders/{id}',
      delete: '/rest/v1.0/projects/{project_id}/commitment_change_orders/{id}',
    },
    listQuery: [],
    // Body45 / Body46: `{"change_order": {...}}`.
    wrapperKey: 'change_order',
    bodyScope: [],
    originId: false,
    // The list declares neither filters[updated_at] nor page/per_page: one answer, read whole.
    incremental: false,
    // No filters[updated_at]: a daily full listing delivers only records whose content changed (content hash).
    changeDetection: 'content-hash',
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    paged: false,
    permission: { tool: 'Commitments', level: 'admin', scope: 'project' },
  },
  potential_change_orders: {
    name: 'potential_change_orders',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/potential_change_orders',
      show: '/rest/v1.0/potential_change_orders/{id}',
      create: '/rest/v1.0/potential_change_orders',
      update: '/rest/v1.0/potential_change_orders/{id}',
      // PATCH .../sync declares contract_id as a required query parameter: one contract per call,
      // which a batch of mixed contracts cannot give; writes go one by one.
    },
    listQuery: ['project_id'],
    wrapperKey: 'change_order',
    bodyScope: ['project_id'],
    // `{"project_id", "contract_id", "change_order": {...}}` (RestV10PotentialChangeOrdersPostRequest).
    topLevelFromData: ['contract_id'],
    originId: true,
    incremental: true,
    deleted: 'filters[include_deleted]',
    maxPerPage: V1_MAX_PER_PAGE,
    // PCOs are created in the Prime Contracts tool (Admin); commitment PCOs need Commitments Admin too.
    permission: { tool: 'Prime Contracts', level: 'admin', scope: 'project' },
  },
  change_order_requests: {
    name: 'change_order_requests',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/change_order_requests',
      show: '/rest/v1.0/change_order_requests/{id}',
      create: '/rest/v1.0/change_order_requests',
      update: '/rest/v1.0/change_order_requests/{id}',
    },
    listQuery: ['project_id'],
    wrapperKey: 'change_order',
    bodyScope: ['project_id'],
    topLevelFromData: ['contract_id'],
    originId: false,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    // The list requires contract_id (the prime contract): listed per prime contract of the project.
    parent: { param: 'contract_id', list: '/rest/v1.0/prime_contracts', listQuery: ['project_id'] },
    permission: { tool: 'Prime Contracts', level: 'admin', scope: 'project' },
  },
  change_events: {
    name: 'change_events',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/change_events',
      show: '/rest/v1.0/change_events/{id}',
      create: '/rest/v1.0/change_events',
      update: '/rest/v1.0/change_events/{id}',
    },
    listQuery: ['project_id'],
    wrapperKey: 'change_event',
    bodyScope: ['project_id'],
    originId: false,
    incremental: true,
    deleted: 'filters[include_deleted]',
    maxPerPage: V1_MAX_PER_PAGE,
    permission: { tool: 'Change Events', level: 'standard', scope: 'project' },
    // POST and PATCH declare project_id as a query parameter.
    requests: { create: { scopeIn: 'query' }, update: { scopeIn: 'query' } },
  },
  prime_contracts: {
    name: 'prime_contracts',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      // Listed at the plural path; each record at the singular one.
      list: '/rest/v1.0/prime_contracts',
      show: '/rest/v1.0/prime_contract/{id}',
      create: '/rest/v1.0/prime_contract',
      update: '/rest/v1.0/prime_contract/{id}',
      delete: '/rest/v1.0/prime_contract/{id}',
    },
    listQuery: ['project_id'],
    wrapperKey: 'prime_contract',
    bodyScope: ['project_id'],
    originId: false,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    permission: { tool: 'Prime Contracts', level: 'admin', scope: 'project' },
  },
  direct_costs: {
    name: 'direct_costs',
    scope: 'project',
    apiVersion: 'v1.1',
    paths: {
      list: '/rest/v1.1/projects/{project_id}/direct_costs',
      show: '/rest/v1.1/projects/{project_id}/direct_costs/{id}',
      create: '/rest/v1.1/projects/{project_id}/direct_costs',
      update: '/rest/v1.1/projects/{project_id}/direct_costs/{id}',
      delete: '/rest/v1.1/projects/{project_id}/direct_costs/{id}',
      // Only v1.0 has the sync (its items are the same direct cost fields, `{"updates": [...]}`).
      batchUpsert: '/rest/v1.0/projects/{project_id}/direct_costs/sync',
    },
    listQuery: [],
    // v1.1 bodies wrap in `direct_cost` (Body92, Body93); v1.0 used `item`.
    wrapperKey: 'direct_cost',
    bodyScope: [],
    originId: true,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    // Deleting a direct cost needs Admin on the Direct Costs tool.
    permission: { tool: 'Direct Costs', level: 'admin', scope: 'project' },
  },
  requisitions: {
    name: 'requisitions',
    scope: 'project',
    apiVersion: 'v1.1',
    paths: {
      list: '/rest/v1.1/requisitions',
      show: '/rest/v1.1/requisitions/{id}',
      create: '/rest/v1.1/requisitions',
      update: '/rest/v1.1/requisitions/{id}',
      delete: '/rest/v1.1/requisitions/{id}',
    },
    listQuery: ['project_id'],
    wrapperKey: 'requisition',
    bodyScope: ['project_id'],
    // `{"project_id", "commitment_id", "requisition": {...}}` (Body19, Body20).
    topLevelFromData: ['commitment_id'],
    originId: true,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    // Subcontractor invoices live in the Commitments tool.
    permission: { tool: 'Commitments', level: 'admin', scope: 'project' },
  },
  cost_codes: {
    name: 'cost_codes',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/cost_codes',
      show: '/rest/v1.0/cost_codes/{id}',
      create: '/rest/v1.0/cost_codes',
      update: '/rest/v1.0/cost_codes/{id}',
      batchUpsert: '/rest/v1.0/cost_codes/sync',
    },
    listQuery: ['project_id'],
    wrapperKey: 'cost_code',
    bodyScope: ['project_id'],
    originId: true,
    // No filters[updated_at] on the project's cost code list: read whole.
    incremental: false,
    // No filters[updated_at]: a daily full listing delivers only records whose content changed (content hash).
    changeDetection: 'content-hash',
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    // A project's cost codes are kept in its Admin tool.
    permission: { tool: 'Admin', level: 'admin', scope: 'project' },
    // The sync declares project_id as a query parameter (its body is `updates`).
    requests: { batchUpsert: { scopeIn: 'query' } },
  },
  sub_jobs: {
    name: 'sub_jobs',
    scope: 'project',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/sub_jobs',
      show: '/rest/v1.0/sub_jobs/{id}',
      create: '/rest/v1.0/sub_jobs',
      update: '/rest/v1.0/sub_jobs/{id}',
      delete: '/rest/v1.0/sub_jobs/{id}',
      batchUpsert: '/rest/v1.0/sub_jobs/sync',
    },
    listQuery: ['project_id'],
    wrapperKey: 'sub_job',
    bodyScope: ['project_id'],
    originId: false,
    incremental: false,
    // No filters[updated_at]: a daily full listing delivers only records whose content changed (content hash).
    changeDetection: 'content-hash',
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    permission: { tool: 'Admin', level: 'admin', scope: 'project' },
    requests: { batchUpsert: { scopeIn: 'query' } },
  },
  timecard_entries: {
    name: 'timecard_entries',
    scope: 'company',
    apiVersion: 'v1.0',
    paths: {
      list: '/rest/v1.0/companies/{company_id}/timecard_entries',
      show: '/rest/v1.0/companies/{company_id}/timecard_entries/{id}',
      create: '/rest/v1.0/companies/{company_id}/timecard_entries',
      update: '/rest/v1.0/companies/{company_id}/timecard_entries/{id}',
      delete: '/rest/v1.0/companies/{company_id}/timecard_entries/{id}',
    },
    listQuery: [],
    wrapperKey: 'timecard_entry',
    bodyScope: [],
    // `{"project_id", "timecard_entry": {...}}`: the entry's project, beside the wrapper.
    topLevelFromData: ['project_id'],
    originId: false,
    incremental: true,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    permission: { tool: 'Timesheets', level: 'admin', scope: 'company' },
  },
  budget_view_detail_rows: {
    name: 'budget_view_detail_rows',
    scope: 'project',
    apiVersion: 'v1.0',
    // Read-only: Procore declares only the list (budget line items are written at their own paths,
    // which declare no list).
    paths: { list: '/rest/v1.0/budget_views/{budget_view_id}/detail_rows' },
    listQuery: ['project_id'],
    wrapperKey: 'detail_row',
    bodyScope: [],
    originId: false,
    incremental: false,
    deleted: 'none',
    maxPerPage: V1_MAX_PER_PAGE,
    parent: { param: 'budget_view_id', list: '/rest/v1.0/budget_views', listQuery: ['project_id'] },
    permission: { tool: 'Budget', level: 'read_only', scope: 'project' },
  },
};
