// What a stage pulls: set in the stage config (cdk.json), handed to the planner as SYNC_CONFIG.
import * as z from 'zod';
import { ProcoreIdSchema } from '../commons/contracts/procore-id';
import { ResourceNameSchema } from '../commons/resources/names';

export const SyncConfigSchema = z
  .object({
    /** "all": every company where the app is installed; or a list of company ids. */
    companies: z.union([z.literal('all'), z.array(ProcoreIdSchema).min(1)]).default('all'),
    /**
     * Optional: a company where the app is installed, to ask Procore for the others. Procore wants a
     * Procore-Company-Id header even on GET /rest/v1.0/companies with a DMSA token, so "all" needs one
     * company to start from: this one, then the companies found by the last discovery (kept in the
     * state table), each tried in turn. Needed only until a first discovery has succeeded.
     */
    discoveryCompanyId: ProcoreIdSchema.optional(),
    /** "all": every permitted project; or a list of project ids (others are skipped). */
    projects: z.union([z.literal('all'), z.array(ProcoreIdSchema).min(1)]).default('all'),
    /**
     * "all" (default): projects of every status are synced (Procore's project list with
     * filters[by_status]=All); the tools of inactive (closed) projects are pulled at a slower cadence
     * (see INACTIVE_PROJECT_INTERVAL_MS). "active": only active projects' tools are pulled.
     */
    projectStatus: z.enum(['active', 'all']).default('all'),
    resources: z.array(ResourceNameSchema).min(1),
    /** How far back the first pull of a scope reaches. */
    initialLookbackDays: z.number().int().positive().max(3650).default(365),
    /** Each pull re-reads this many minutes before the cursor (clock skew, late commits). */
    overlapMinutes: z.number().int().nonnegative().max(1440).default(5),
    /**
     * A scope's lease: while a job for it is queued or running, the planner does not enqueue another.
     * It expires after this long in case a job died without releasing it (e.g. it went to the DLQ).
     */
    leaseMinutes: z.number().int().positive().max(1440).default(60),
  })
  .strict();

export type SyncConfig = z.infer<typeof SyncConfigSchema>;

/**
 * What the planner is handed (bundled sync-config.json): the sync scope plus the resources whose
 * scheduled pull is reconciliation (webhooks on: cadence/run-resources.ts).
 */
export const PlannerConfigSchema = SyncConfigSchema.extend({
  reconciledResources: z.array(ResourceNameSchema).default([]),
});

export type PlannerConfig = z.infer<typeof PlannerConfigSchema>;
