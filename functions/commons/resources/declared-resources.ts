// Resources declared in the stage config reach every function that needs the registry (planner,
// worker, push) as `resources.json` bundled with its code (RESOURCES_FILE), or inline in
// DECLARED_RESOURCES (local harnesses). Installed once per container, before the first message is
// read, so pull and push find them in the registry exactly as they find the built-in ones.
import * as z from '../validation/zod';
import { readBundledJson } from '../config/bundled-json';
import { declareResources } from './registry';
import type { ResourceDefinition } from './resource-definition';

export const DeclaredResourcesEnvSchema = z.object({
  /** JSON array of resource declarations (names included), inline. */
  DECLARED_RESOURCES: z.optional(z.string().check(z.minLength(2))),
  /** The same JSON as a file in the function's code (LAMBDA_TASK_ROOT): how the stack passes it. */
  RESOURCES_FILE: z.optional(z.string().check(z.minLength(1))),
});

/** Adds the declared resources to the registry; none when neither variable is set. */
export function installDeclaredResources(env: z.infer<typeof DeclaredResourcesEnvSchema>): ResourceDefinition[] {
  const read = readBundledJson({
    inline: { name: 'DECLARED_RESOURCES', value: env.DECLARED_RESOURCES },
    file: { name: 'RESOURCES_FILE', value: env.RESOURCES_FILE },
  });
  if (!read) return [];
  if (!Array.isArray(read.json)) throw new Error(`Invalid function environment: ${read.source} must be a JSON array of resource declarations`);
  return declareResources(read.json, `Invalid function environment: ${read.source}`);
}
