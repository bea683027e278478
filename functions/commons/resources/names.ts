import { z } from 'zod';

/** The built-in resources (one declaration each, in registry.ts); the stage config may declare more. */
export const RESOURCE_NAMES = ['projects', 'rfis', 'submittals', 'observations', 'vendors', 'company_users', 'work_order_contracts'] as const;

/** A resource name: a built-in one or one declared in the stage config (registry.ts knows which exist). */
export type ResourceName = string;

/** What a resource name may look like: snake_case, safe in state-table keys, queue attributes and logs. */
export const ResourceNameSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case resource name (a-z, 0-9, _; at most 64 characters, starting with a letter)');
