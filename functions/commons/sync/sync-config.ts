// What a stage pulls: set in the stage config (cdk.json), handed to the planner as SYNC_CONFIG.
import { z } from 'zod';
import { ResourceNameSchema } from '../resources/names';

const ProcoreId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const SyncConfigSchema = z
  .object({
    /** "all": every company where the app is installed; or a list of company ids. */
    companies: z.union([z.literal('all'), z.array(ProcoreId).min(1)]).default('all'),
    /** "all": every permitted project; or a list of project ids (others are skipped). */
    projects: z.union([z.literal('all'), z.array(ProcoreId).min(1)]).default('all'),
    resources: z.array(ResourceNameSchema).min(1),
    /** How far back the first pull of a scope reaches. */
    initialLookbackDays: z.number().int().positive().max(3650).default(365),
  })
  .strict();

export type SyncConfig = z.infer<typeof SyncConfigSchema>;
