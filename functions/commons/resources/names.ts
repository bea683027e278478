import * as z from 'zod';

/** The financial resources (financial-resources.ts), in the order the pull lists them. */
export const FINANCIAL_RESOURCE_NAMES = [
  'purchase_order_contracts',
  'commitment_change_orders',
  'potential_change_orders',
  'change_order_requests',
  'change_events',
  'prime_contracts',
  'direct_costs',
  'requisitions',
  'cost_codes',
  'sub_jobs',
  'timecard_entries',
  'budget_view_detail_rows',
] as const;

export type FinancialResourceName = (typeof FINANCIAL_RESOURCE_NAMES)[number];

/** The resources the connector knows (one registry entry each, in registry.ts). */
export const RESOURCE_NAMES = [
  'projects',
  'rfis',
  'submittals',
  'observations',
  'vendors',
  'company_users',
  'work_order_contracts',
  ...FINANCIAL_RESOURCE_NAMES,
] as const;

export type ResourceName = (typeof RESOURCE_NAMES)[number];

export const ResourceNameSchema = z.enum(RESOURCE_NAMES, {
  error: (issue) => `unknown resource ${JSON.stringify(issue.input)}; known: ${RESOURCE_NAMES.join(', ')}`,
});
