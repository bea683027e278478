// Where the financial resources' removed records show (docs/procore-endpoints.tsv): three lists
// declare `filters[include_deleted]` (purchase order contracts, potential change orders, change
// events); no other financial list declares it or has a recycle bin or inactive list, so their
// deletions are not seen by an updated_at window (the lists read whole, without updated_at, see them
// leave once content-hash detection compares listings: issue 17 item 3).
import type { FinancialResourceName } from './names';
import type { RemovalSource } from './resource-definition';

const INCLUDE_DELETED: RemovalSource = {
  kind: 'list-query',
  listQuery: { 'filters[include_deleted]': 'with' },
  how: 'the list itself with `filters[include_deleted]=with`: a deleted record comes with `deleted_at`',
};

const NOT_DECLARED: RemovalSource = {
  kind: 'none',
  how: 'none declared: no `filters[include_deleted]`, recycle bin or inactive list',
};

export const FINANCIAL_REMOVAL_SOURCES: { readonly [N in FinancialResourceName]: RemovalSource } = {
  purchase_order_contracts: INCLUDE_DELETED,
  commitment_change_orders: NOT_DECLARED,
  potential_change_orders: INCLUDE_DELETED,
  change_order_requests: NOT_DECLARED,
  change_events: INCLUDE_DELETED,
  prime_contracts: NOT_DECLARED,
  direct_costs: NOT_DECLARED,
  requisitions: NOT_DECLARED,
  cost_codes: NOT_DECLARED,
  sub_job_cost_codes: NOT_DECLARED,
  standard_cost_codes: NOT_DECLARED,
  sub_jobs: NOT_DECLARED,
  timecard_entries: NOT_DECLARED,
  budget_view_detail_rows: NOT_DECLARED,
  budget_line_items: NOT_DECLARED,
};
