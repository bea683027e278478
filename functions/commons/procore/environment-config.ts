// How a stage names its Procore environment (cdk.json `stages.<stage>.procore`, the CLI's flags):
// read by the stack and the CLI, in a module of its own so the handlers, which get the resolved
// URLs in their environment (runtime-env.ts), do not build the schema at every cold start.
import * as z from '../validation/zod';

const baseUrl = z.pipe(
  z.url(),
  z.transform((url: string) => url.replace(/\/+$/, '')),
);

/** A stage's Procore environment: a named one, or explicit base URLs (the local simulator). */
export const ProcoreEnvironmentSchema = z.union([
  z.strictObject({ name: z.enum(['production', 'sandbox', 'monthly-sandbox']) }),
  z.strictObject({ name: z.literal('custom'), loginUrl: baseUrl, apiUrl: baseUrl }),
]);
export type ProcoreEnvironmentConfig = z.infer<typeof ProcoreEnvironmentSchema>;
