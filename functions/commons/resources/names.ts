import * as z from '../validation/zod';

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
  'sub_job_cost_codes',
  'standard_cost_codes',
  'sub_jobs',
  'timecard_entries',
  'budget_view_detail_rows',
  'budget_line_items',
] as const;

export type FinancialResourceName = (typeof FINANCIAL_RESOURCE_NAMES)[number];

/** The built-in resources (one declaration each, in registry.ts); the stage config may declare more. */
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

/** A resource name: a built-in one or one declared in the stage config (registry.ts knows which exist). */
export type ResourceName = string;

/** What a resource name may look like: snake_case, safe in state-table keys, queue attributes and logs. */
export const ResourceNameSchema = z
  .string({ error: 'must be a string' })
  .check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case resource name (a-z, 0-9, _; at most 64 characters, starting with a letter)'));
