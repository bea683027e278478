// Reading a function's environment against its schema (runtime-env.ts holds the schemas), apart
// so a handler that needs one small schema (the webhook receiver) loads neither the others nor the
// resource registry they reference.
import * as z from '../validation/zod';

/** Parses env with schema; the error names every bad or missing variable, never its value. */
export function readEnv<S extends z.core.$ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid function environment: ${problems.join('; ')}`);
  }
  return result.data;
}
