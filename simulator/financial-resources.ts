// The simulated financial resources (issue 17), served at Procore's paths with the operations its
// operations file declares there (docs/procore-endpoints.tsv, read by `declaredRoutes`: list,
// show, create, update, delete, and the sync with its declared verb; server.ts refuses what is not
// declared). Records are shaped after Procore's list answers (procore_python_sdk docs, e.g.
// RestV10PurchaseOrderContractsGet200ResponseInner, RestV10BudgetViewSnapshotsBudgetViewSnapshotIdDetailRowsGet200ResponseInner).
// `budget_views` and `standard_cost_code_lists` are the simulator's own: the parents of budget view
// detail rows and of standard cost codes (listed, not pulled). Sub-job cost codes are `cost_codes`
// records with a `sub_job_id` (listed with `?sub_job_id=`; without it the project's own).
// Each entry states only what differs from `financial()`'s defaults (project scope, the scope id as
// a parameter where the path lacks it, field-map errors, no origin_id, no removal source).
import { intBetween, pick, type Random } from './prng';
import { declaredRoutes, NO_ORIGIN } from './resource-routes';
import type { Declaration, RouteSpec } from './resources';

export const FINANCIAL_SIM_NAMES = [
  'purchase_order_contracts',
  'commitment_change_orders',
  'prime_contracts',
  'potential_change_orders',
  'change_order_requests',
  'change_events',
  'direct_costs',
  'requisitions',
  'sub_jobs',
  'cost_codes',
  'standard_cost_code_lists',
  'standard_cost_codes',
  'timecard_entries',
  'budget_views',
  'budget_view_detail_rows',
  'budget_line_items',
] as const;

export type FinancialSimName = (typeof FINANCIAL_SIM_NAMES)[number];

type Entry = Omit<Declaration, 'scope' | 'routes' | 'errorShape' | 'originId' | 'removal' | 'required'> &
  Partial<Pick<Declaration, 'scope' | 'originId' | 'removal' | 'required'>> & {
    /** The list path: its routes are the ones declared there unless `routes` says otherwise. */
    collection: string;
    routes?: RouteSpec[];
  };

/** A declaration from an entry, with the defaults filled in. */
function financial(entry: Entry): Declaration {
  const { collection, routes, ...fields } = entry;
  const scope = fields.scope ?? 'project';
  const scopeParam = scope === 'project' ? 'project_id' : 'company_id';
  return {
    scope,
    routes: routes ?? declaredRoutes(collection),
    ...(collection.includes(`{${scopeParam}}`) ? {} : { scopeParam }),
    errorShape: 'field-map',
    originId: false,
    removal: 'none',
    required: [],
    ...fields,
  };
}

const TRADES = ['Concrete', 'Electrical', 'Mechanical', 'Structural steel', 'Framing', 'Sitework'];
const money = (value: number) => value.toFixed(2);
/** Ids to point at; 0 when the scope has none (a resource seeded without its related one). */
const related = (ids: number[] | undefined) => (ids && ids.length > 0 ? ids : [0]);
const day = (month: number, dayOfMonth: number) => `2026-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
const anyDay = (random: Random) => day(intBetween(random, 1, 12), intBetween(random, 1, 28));
const padded = (index: number, width = 3) => String(index).padStart(width, '0');

/** A change order of some tier: numbered, titled with a reason, on a contract, with an amount. */
function changeOrder(random: Random, index: number, label: string, reasons: string[], contractId: number, total: [number, number]) {
  return {
    number: padded(index),
    title: `${label} ${index}: ${pick(random, reasons)}`,
    contract_id: contractId,
    status: pick(random, ['draft', 'pending', 'approved']),
    grand_total: money(intBetween(random, total[0], total[1])),
  };
}

/** A cost code's fields (project, sub job or standard list alike). */
function costCode(random: Random, index: number) {
  const division = padded(intBetween(random, 1, 33), 2);
  return { code: padded(index), full_code: `${division}-${padded(index)}`, name: `${pick(random, TRADES)} ${index}`, ...NO_ORIGIN };
}

export function financialDeclarations(): Record<FinancialSimName, Declaration> {
  return {
    purchase_order_contracts: financial({
      collection: '/rest/v1.0/purchase_order_contracts',
      wrapperKey: 'purchase_order_contract',
      required: ['title'],
      originId: true,
      removal: 'include-deleted',
      fake: ({ random, index, projectId }) => ({
        number: `PO-${padded(index)}`,
        title: `${pick(random, TRADES)} materials`,
        status: pick(random, ['Draft', 'Processing', 'Submitted', 'Approved', 'Complete']),
        executed: random() < 0.5,
        private: false,
        grand_total: money(intBetween(random, 5_000, 800_000)),
        accounting_method: 'amount',
        delivery_date: anyDay(random),
        project: { id: projectId },
        ...NO_ORIGIN,
      }),
    }),
    commitment_change_orders: financial({
      collection: '/rest/v1.0/projects/{project_id}/commitment_change_orders',
      wrapperKey: 'change_order',
      required: ['contract_id', 'title'],
      unpaged: true,
      fake: ({ random, index }) => ({
        ...changeOrder(random, index, 'CCO', ['added scope', 'owner request', 'design change'], intBetween(random, 1_000, 9_999), [-20_000, 120_000]),
        executed: random() < 0.4,
        due_date: anyDay(random),
      }),
    }),
    prime_contracts: financial({
      collection: '/rest/v1.0/prime_contracts',
      // Listed at the plural path; each record at the singular one.
      routes: [...declaredRoutes('/rest/v1.0/prime_contracts', ['list']), ...declaredRoutes('/rest/v1.0/prime_contract')],
      wrapperKey: 'prime_contract',
      required: ['title'],
      // A project has one or two prime contracts (change order requests hang under them).
      seedCount: 2,
      fake: ({ random, index }) => ({
        number: String(index),
        title: `Prime contract ${index}`,
        status: pick(random, ['Draft', 'Out For Bid', 'Approved']),
        grand_total: money(intBetween(random, 1_000_000, 50_000_000)),
        retainage_percent: '5.0',
      }),
    }),
    potential_change_orders: financial({
      collection: '/rest/v1.0/potential_change_orders',
      // The declared sync needs contract_id as a query parameter; the connector writes PCOs one by one.
      routes: declaredRoutes('/rest/v1.0/potential_change_orders', ['list', 'show', 'create', 'update']),
      wrapperKey: 'change_order',
      required: ['title'],
      topLevel: ['contract_id'],
      originId: true,
      removal: 'include-deleted',
      fake: ({ random, index, relatedIds }) => ({
        ...changeOrder(random, index, 'PCO', ['owner request', 'design change'], pick(random, related(relatedIds)), [1_000, 90_000]),
        ...NO_ORIGIN,
      }),
      related: 'prime_contracts',
    }),
    change_order_requests: financial({
      collection: '/rest/v1.0/change_order_requests',
      wrapperKey: 'change_order',
      required: ['title'],
      topLevel: ['contract_id'],
      parent: { param: 'contract_id', resource: 'prime_contracts', field: 'contract_id' },
      fake: ({ random, index, relatedIds }) =>
        changeOrder(random, index, 'COR', ['steel escalation', 'added outlets'], pick(random, related(relatedIds)), [1_000, 150_000]),
      related: 'prime_contracts',
    }),
    change_events: financial({
      collection: '/rest/v1.0/change_events',
      wrapperKey: 'change_event',
      required: ['title'],
      removal: 'include-deleted',
      fake: ({ random, index }) => ({
        number: padded(index),
        title: `${pick(random, ['Unforeseen rock', 'Owner upgrade', 'Code change'])} ${index}`,
        status: pick(random, ['Open', 'Pending', 'Closed']),
        event_scope: pick(random, ['In Scope', 'Out of Scope', 'TBD']),
        event_type: pick(random, ['Owner Change', 'Design Development', 'Allowance']),
      }),
    }),
    direct_costs: financial({
      collection: '/rest/v1.1/projects/{project_id}/direct_costs',
      // v1.1 reads and writes one by one (wrapper `direct_cost`); only v1.0 has the sync.
      routes: [
        ...declaredRoutes('/rest/v1.1/projects/{project_id}/direct_costs'),
        ...declaredRoutes('/rest/v1.0/projects/{project_id}/direct_costs', ['sync']),
      ],
      wrapperKey: 'direct_cost',
      required: ['direct_cost_type', 'direct_cost_date'],
      originId: true,
      fake: ({ random, index }) => ({
        direct_cost_type: pick(random, ['Invoice', 'Expense', 'Payroll']),
        direct_cost_date: anyDay(random),
        invoice_number: `INV-${10_000 + index}`,
        status: pick(random, ['draft', 'pending', 'approved']),
        grand_total: money(intBetween(random, 100, 40_000)),
        description: `${pick(random, TRADES)} supplies`,
        ...NO_ORIGIN,
      }),
    }),
    requisitions: financial({
      collection: '/rest/v1.1/requisitions',
      wrapperKey: 'requisition',
      topLevel: ['commitment_id'],
      originId: true,
      fake: ({ random, index }) => ({
        number: index,
        commitment_id: intBetween(random, 1_000, 9_999),
        billing_date: day(intBetween(random, 1, 12), 25),
        period_id: intBetween(random, 1, 12),
        status: pick(random, ['draft', 'under_review', 'approved', 'paid']),
        invoice_number: `SUB-${20_000 + index}`,
        ...NO_ORIGIN,
      }),
    }),
    sub_jobs: financial({
      collection: '/rest/v1.0/sub_jobs',
      wrapperKey: 'sub_job',
      required: ['code', 'name'],
      fake: ({ random, index }) => ({ code: padded(index, 2), name: `${pick(random, ['Phase', 'Building', 'Level', 'Area'])} ${index}`, active: true }),
    }),
    cost_codes: financial({
      collection: '/rest/v1.0/cost_codes',
      wrapperKey: 'cost_code',
      required: ['code', 'name'],
      originId: true,
      // A cost code's biller is the project, or one of its sub jobs (`sub_job_id` beside the wrapper).
      optionalTopLevel: ['sub_job_id'],
      parent: { param: 'sub_job_id', resource: 'sub_jobs', field: 'sub_job_id', optional: true },
      writtenAs: ['sub_job_cost_codes'],
      // Every third one belongs to a sub job.
      fake: ({ random, index, relatedIds }) => ({ ...costCode(random, index), sub_job_id: index % 3 === 0 ? pick(random, related(relatedIds)) : null }),
      related: 'sub_jobs',
    }),
    standard_cost_code_lists: financial({
      scope: 'company',
      collection: '/rest/v1.0/standard_cost_code_lists',
      wrapperKey: 'standard_cost_code_list',
      required: ['name'],
      seedCount: 2,
      fake: ({ index }) => ({ name: index === 1 ? 'Procore Standard Cost Codes' : `Company list ${index}` }),
    }),
    standard_cost_codes: financial({
      scope: 'company',
      collection: '/rest/v1.0/standard_cost_codes',
      wrapperKey: 'standard_cost_code',
      required: ['code', 'name'],
      topLevel: ['standard_cost_code_list_id'],
      originId: true,
      parent: { param: 'standard_cost_code_list_id', resource: 'standard_cost_code_lists', field: 'standard_cost_code_list_id' },
      fake: ({ random, index, relatedIds }) => ({ ...costCode(random, index), standard_cost_code_list_id: pick(random, related(relatedIds)) }),
      related: 'standard_cost_code_lists',
    }),
    timecard_entries: financial({
      scope: 'company',
      collection: '/rest/v1.0/companies/{company_id}/timecard_entries',
      wrapperKey: 'timecard_entry',
      required: ['hours', 'date'],
      topLevel: ['project_id'],
      fake: ({ random, userIds, relatedIds }) => ({
        date: anyDay(random),
        hours: String(intBetween(random, 1, 10)),
        billable: random() < 0.8,
        description: `${pick(random, TRADES)} work`,
        party: { id: pick(random, userIds) },
        project_id: pick(random, related(relatedIds)),
        timecard_time_type: { id: 1, time_type: 'Regular Time' },
      }),
      related: 'projects',
    }),
    budget_views: financial({
      collection: '/rest/v1.0/budget_views',
      wrapperKey: 'budget_view',
      seedCount: 2,
      fake: ({ index }) => ({ name: index === 1 ? 'Procore Standard Budget' : `Forecast view ${index}`, role: index === 1 ? 'default' : 'custom' }),
    }),
    budget_view_detail_rows: financial({
      collection: '/rest/v1.0/budget_views/{budget_view_id}/detail_rows',
      wrapperKey: 'detail_row',
      // Detail rows carry no budget view id in Procore; the simulator keeps it to answer per view.
      parent: { param: 'budget_view_id', resource: 'budget_views', field: 'budget_view_id' },
      fake: ({ random, index, companyId, projectId, relatedIds }) => ({
        budget_view_id: pick(random, related(relatedIds)),
        budget_line_item_id: 900_000 + index,
        company_id: companyId,
        project_id: projectId,
        cost_code_id: 700_000 + index,
        cost_code: `${padded(index, 2)}-100 ${pick(random, TRADES)}`,
        category: pick(random, ['Labor', 'Materials', 'Subcontract', 'Equipment']),
        original_budget_amount: intBetween(random, 10_000, 500_000),
        budget_modifications: intBetween(random, -5_000, 20_000),
      }),
      related: 'budget_views',
    }),
    budget_line_items: financial({
      // No list declared: show, create, update, and `POST .../sync` with `budget_line_items`.
      collection: '/rest/v1.0/budget_line_items',
      wrapperKey: 'budget_line_item',
      required: ['cost_code_id', 'line_item_type_id'],
      syncItemsKey: 'budget_line_items',
      fake: ({ random, index }) => ({
        cost_code_id: 700_000 + index,
        line_item_type_id: intBetween(random, 1, 4),
        original_budget_amount: money(intBetween(random, 10_000, 500_000)),
        calculation_strategy: 'manual',
      }),
    }),
  };
}
