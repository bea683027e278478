import * as z from 'zod';

/** The resources the connector knows (one registry entry each, in registry.ts). */
export const RESOURCE_NAMES = ['projects', 'rfis', 'submittals', 'observations', 'vendors', 'company_users', 'work_order_contracts'] as const;

export type ResourceName = (typeof RESOURCE_NAMES)[number];

export const ResourceNameSchema = z.enum(RESOURCE_NAMES, {
  error: (issue) => `unknown resource ${JSON.stringify(issue.input)}; known: ${RESOURCE_NAMES.join(', ')}`,
});
