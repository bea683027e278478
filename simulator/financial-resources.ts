// The simulated financial resources (issue 17), served at Procore's paths as its operations file
// declares them (docs/procore-endpoints.tsv; server.ts refuses what is not declared). Records are
// shaped after Procore's list answers (procore_python_sdk docs, e.g.
// RestV10PurchaseOrderContractsGet200ResponseInner, RestV10BudgetViewSnapshotsBudgetViewSnapshotIdDetailRowsGet200ResponseInner).
// `budget_views` is the simulator's own: the parents of budget view detail rows (listed, not pulled).
import { intBetween, pick } from './prng';
import { NO_ORIGIN, recordRoutes, routes, syncRoutes } from './resource-routes';
import type { Declaration } from './resources';

export const FINANCIAL_SIM_NAMES = [
  'purchase_order_contracts',
  'commitment_change_orders',
  'prime_contracts',
  'potential_change_orders',
  'change_order_requests',
  'change_events',
  'direct_costs',
  'requisitions',
  'cost_codes',
  'sub_jobs',
  'timecard_entries',
  'budget_views',
  'budget_view_detail_rows',
] as const;

export type FinancialSimName = (typeof FINANCIAL_SIM_NAMES)[number];

const TRADES = ['Concrete', 'Electrical', 'Mechanical', 'Structural steel', 'Framing', 'Sitework'];
const money = (value: number) => value.toFixed(2);
/** Ids to point at; 0 when the scope has none (a resource seeded without its related one). */
const related = (ids: number[] | undefined) => (ids && ids.length > 0 ? ids : [0]);
const day = (month: number, dayOfMonth: number) => `2026-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;

export function financialDeclarations(): Record<FinancialSimName, Declaration> {
  return {
    purchase_order_contracts: {
      scope: 'project',
      wrapperKey: 'purchase_order_contract',
      routes: [
        ...recordRoutes(['/rest/v1.0/purchase_order_contracts']),
        ...routes('delete', 'DELETE', ['/rest/v1.0/purchase_order_contracts/{id}']),
        ...syncRoutes(['/rest/v1.0/purchase_order_contracts']),
      ],
      scopeParam: 'project_id',
      required: ['title'],
      errorShape: 'field-map',
      originId: true,
      removal: 'include-deleted',
      fake: ({ random, index, projectId }) => ({
        number: `PO-${String(index).padStart(3, '0')}`,
        title: `${pick(random, TRADES)} materials`,
        status: pick(random, ['Draft', 'Processing', 'Submitted', 'Approved', 'Complete']),
        executed: random() < 0.5,
        private: false,
        grand_total: money(intBetween(random, 5_000, 800_000)),
        accounting_method: 'amount',
        delivery_date: day(intBetween(random, 1, 12), intBetween(random, 1, 28)),
        project: { id: projectId },
        ...NO_ORIGIN,
      }),
    },
    commitment_change_orders: {
      scope: 'project',
      wrapperKey: 'change_order',
      routes: [
        ...recordRoutes(['/rest/v1.0/projects/{project_id}/commitment_change_orders']),
        ...routes('delete', 'DELETE', ['/rest/v1.0/projects/{project_id}/commitment_change_orders/{id}']),
      ],
      required: ['contract_id', 'title'],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      unpaged: true,
      fake: ({ random, index }) => ({
        number: String(index).padStart(3, '0'),
        title: `CCO ${index}: ${pick(random, ['added scope', 'owner request', 'design change', 'unforeseen condition'])}`,
        contract_id: intBetween(random, 1_000, 9_999),
        status: pick(random, ['draft', 'pending', 'approved', 'void']),
        executed: random() < 0.4,
        grand_total: money(intBetween(random, -20_000, 120_000)),
        due_date: day(intBetween(random, 1, 12), intBetween(random, 1, 28)),
        private: false,
      }),
    },
    prime_contracts: {
      scope: 'project',
      wrapperKey: 'prime_contract',
      routes: [
        ...routes('list', 'GET', ['/rest/v1.0/prime_contracts']),
        ...routes('show', 'GET', ['/rest/v1.0/prime_contract/{id}']),
        ...routes('create', 'POST', ['/rest/v1.0/prime_contract']),
        ...routes('update', 'PATCH', ['/rest/v1.0/prime_contract/{id}']),
        ...routes('delete', 'DELETE', ['/rest/v1.0/prime_contract/{id}']),
      ],
      scopeParam: 'project_id',
      required: ['title'],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      // A project has one or two prime contracts (change order requests hang under them).
      seedCount: 2,
      fake: ({ random, index }) => ({
        number: String(index),
        title: `Prime contract ${index}`,
        status: pick(random, ['Draft', 'Out For Bid', 'Approved']),
        executed: random() < 0.6,
        grand_total: money(intBetween(random, 1_000_000, 50_000_000)),
        retainage_percent: '5.0',
        private: false,
      }),
    },
    potential_change_orders: {
      scope: 'project',
      wrapperKey: 'change_order',
      routes: recordRoutes(['/rest/v1.0/potential_change_orders']),
      scopeParam: 'project_id',
      required: ['title'],
      topLevel: ['contract_id'],
      errorShape: 'field-map',
      originId: true,
      removal: 'include-deleted',
      fake: ({ random, index, relatedIds }) => ({
        number: String(index).padStart(3, '0'),
        title: `PCO ${index}: ${pick(random, ['added scope', 'owner request', 'design change'])}`,
        contract_id: pick(random, related(relatedIds)),
        status: pick(random, ['draft', 'pending', 'approved']),
        grand_total: money(intBetween(random, 1_000, 90_000)),
        ...NO_ORIGIN,
      }),
      related: 'prime_contracts',
    },
    change_order_requests: {
      scope: 'project',
      wrapperKey: 'change_order',
      routes: recordRoutes(['/rest/v1.0/change_order_requests']),
      scopeParam: 'project_id',
      required: ['title'],
      topLevel: ['contract_id'],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      parent: { param: 'contract_id', resource: 'prime_contracts', field: 'contract_id' },
      fake: ({ random, index, relatedIds }) => ({
        number: String(index).padStart(3, '0'),
        title: `COR ${index}: ${pick(random, ['steel escalation', 'added outlets', 'revised finishes'])}`,
        contract_id: pick(random, related(relatedIds)),
        status: pick(random, ['draft', 'pending', 'approved']),
        grand_total: money(intBetween(random, 1_000, 150_000)),
      }),
      related: 'prime_contracts',
    },
    change_events: {
      scope: 'project',
      wrapperKey: 'change_event',
      routes: recordRoutes(['/rest/v1.0/change_events']),
      scopeParam: 'project_id',
      required: ['title'],
      errorShape: 'field-map',
      originId: false,
      removal: 'include-deleted',
      fake: ({ random, index }) => ({
        number: String(index).padStart(3, '0'),
        title: `${pick(random, ['Unforeseen rock', 'Owner upgrade', 'Code change', 'Design clarification'])} ${index}`,
        status: pick(random, ['Open', 'Pending', 'Closed']),
        event_scope: pick(random, ['In Scope', 'Out of Scope', 'TBD']),
        event_type: pick(random, ['Owner Change', 'Design Development', 'Allowance']),
        description: null,
      }),
    },
    direct_costs: {
      scope: 'project',
      wrapperKey: 'direct_cost',
      routes: [
        ...recordRoutes(['/rest/v1.1/projects/{project_id}/direct_costs']),
        ...routes('delete', 'DELETE', ['/rest/v1.1/projects/{project_id}/direct_costs/{id}']),
        ...syncRoutes(['/rest/v1.0/projects/{project_id}/direct_costs']),
      ],
      required: ['direct_cost_type', 'direct_cost_date'],
      errorShape: 'field-map',
      originId: true,
      removal: 'none',
      fake: ({ random, index }) => ({
        direct_cost_type: pick(random, ['Invoice', 'Expense', 'Payroll']),
        direct_cost_date: day(intBetween(random, 1, 12), intBetween(random, 1, 28)),
        invoice_number: `INV-${10_000 + index}`,
        status: pick(random, ['draft', 'pending', 'approved']),
        grand_total: money(intBetween(random, 100, 40_000)),
        description: `${pick(random, TRADES)} supplies`,
        ...NO_ORIGIN,
      }),
    },
    requisitions: {
      scope: 'project',
      wrapperKey: 'requisition',
      routes: [...recordRoutes(['/rest/v1.1/requisitions']), ...routes('delete', 'DELETE', ['/rest/v1.1/requisitions/{id}'])],
      scopeParam: 'project_id',
      required: [],
      topLevel: ['commitment_id'],
      errorShape: 'field-map',
      originId: true,
      removal: 'none',
      fake: ({ random, index }) => ({
        number: index,
        commitment_id: intBetween(random, 1_000, 9_999),
        billing_date: day(intBetween(random, 1, 12), 25),
        period_id: intBetween(random, 1, 12),
        status: pick(random, ['draft', 'under_review', 'approved', 'paid']),
        invoice_number: `SUB-${20_000 + index}`,
        ...NO_ORIGIN,
      }),
    },
    cost_codes: {
      scope: 'project',
      wrapperKey: 'cost_code',
      routes: [...recordRoutes(['/rest/v1.0/cost_codes']), ...syncRoutes(['/rest/v1.0/cost_codes'])],
      scopeParam: 'project_id',
      required: ['code', 'name'],
      errorShape: 'field-map',
      originId: true,
      removal: 'none',
      fake: ({ random, index }) => {
        const division = intBetween(random, 1, 33);
        return {
          code: String(index).padStart(3, '0'),
          full_code: `${String(division).padStart(2, '0')}-${String(index).padStart(3, '0')}`,
          name: `${pick(random, TRADES)} ${index}`,
          parent: { id: division },
          sortable_code: `${String(division).padStart(2, '0')}-${String(index).padStart(3, '0')}`,
          ...NO_ORIGIN,
        };
      },
    },
    sub_jobs: {
      scope: 'project',
      wrapperKey: 'sub_job',
      routes: [...recordRoutes(['/rest/v1.0/sub_jobs']), ...routes('delete', 'DELETE', ['/rest/v1.0/sub_jobs/{id}']), ...syncRoutes(['/rest/v1.0/sub_jobs'])],
      scopeParam: 'project_id',
      required: ['code', 'name'],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      fake: ({ random, index }) => ({
        code: String(index).padStart(2, '0'),
        name: `${pick(random, ['Phase', 'Building', 'Level', 'Area'])} ${index}`,
        active: true,
      }),
    },
    timecard_entries: {
      scope: 'company',
      wrapperKey: 'timecard_entry',
      routes: [
        ...recordRoutes(['/rest/v1.0/companies/{company_id}/timecard_entries']),
        ...routes('delete', 'DELETE', ['/rest/v1.0/companies/{company_id}/timecard_entries/{id}']),
      ],
      required: ['hours', 'date'],
      topLevel: ['project_id'],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      fake: ({ random, userIds, relatedIds }) => ({
        date: day(intBetween(random, 1, 12), intBetween(random, 1, 28)),
        hours: String(intBetween(random, 1, 10)),
        billable: random() < 0.8,
        description: `${pick(random, TRADES)} work`,
        party: { id: pick(random, userIds) },
        project_id: pick(random, related(relatedIds)),
        timecard_time_type: { id: 1, time_type: 'Regular Time' },
      }),
      related: 'projects',
    },
    budget_views: {
      scope: 'project',
      wrapperKey: 'budget_view',
      routes: routes('list', 'GET', ['/rest/v1.0/budget_views']),
      scopeParam: 'project_id',
      required: [],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      seedCount: 2,
      fake: ({ index }) => ({
        name: index === 1 ? 'Procore Standard Budget' : `Forecast view ${index}`,
        description: null,
        role: index === 1 ? 'default' : 'custom',
      }),
    },
    budget_view_detail_rows: {
      scope: 'project',
      wrapperKey: 'detail_row',
      routes: routes('list', 'GET', ['/rest/v1.0/budget_views/{budget_view_id}/detail_rows']),
      scopeParam: 'project_id',
      required: [],
      errorShape: 'field-map',
      originId: false,
      removal: 'none',
      // Detail rows carry no budget view id in Procore; the simulator keeps it to answer per view.
      parent: { param: 'budget_view_id', resource: 'budget_views', field: 'budget_view_id' },
      fake: ({ random, index, companyId, projectId, relatedIds }) => {
        const original = intBetween(random, 10_000, 500_000);
        return {
          budget_view_id: pick(random, related(relatedIds)),
          budget_line_item_id: 900_000 + index,
          deletable: true,
          company_id: companyId,
          project_id: projectId,
          cost_code_id: 700_000 + index,
          cost_code: `${String(index).padStart(2, '0')}-100 ${pick(random, TRADES)}`,
          category: pick(random, ['Labor', 'Materials', 'Subcontract', 'Equipment']),
          original_budget_amount: original,
          budget_modifications: intBetween(random, -5_000, 20_000),
          unbudgeted_reason: null,
        };
      },
      related: 'budget_views',
    },
  };
}
