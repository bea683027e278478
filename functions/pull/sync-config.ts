// What a stage pulls: set in the stage config (cdk.json), handed to the planner as SYNC_CONFIG.
import * as z from '../commons/validation/zod';
import { ProcoreIdSchema } from '../commons/contracts/procore-id';
import { ResourceNameSchema } from '../commons/resources/names';

export const SyncConfigSchema = z.strictObject({
  /** "all": every company where the app is installed; or a list of company ids. */
  companies: z._default(z.union([z.literal('all'), z.array(ProcoreIdSchema).check(z.minLength(1))]), 'all'),
  /**
   * Optional: a company where the app is installed, to ask Procore for the others. Procore wants a
   * Procore-Company-Id header even on GET /rest/v1.0/companies with a DMSA token, so "all" needs one
   * company to start from: this one, then the companies found by the last discovery (kept in the
   * state table), each tried in turn. Needed only until a first discovery has succeeded.
   */
  discoveryCompanyId: z.optional(ProcoreIdSchema),
  /** "all": every permitted project; or a list of project ids (others are skipped). */
  projects: z._default(z.union([z.literal('all'), z.array(ProcoreIdSchema).check(z.minLength(1))]), 'all'),
  /**
   * "all" (default): projects of every status are synced (Procore's project list with
   * filters[by_status]=All); the tools of inactive (closed) projects are pulled at a slower cadence
   * (see INACTIVE_PROJECT_INTERVAL_MS). "active": only active projects' tools are pulled.
   */
  projectStatus: z._default(z.enum(['active', 'all']), 'all'),
  resources: z.array(ResourceNameSchema).check(z.minLength(1)),
  /** How far back the first pull of a scope reaches. */
  initialLookbackDays: z._default(z.number().check(z.int(), z.positive(), z.lte(3650)), 365),
  /** Each pull re-reads this many minutes before the cursor (clock skew, late commits). */
  overlapMinutes: z._default(z.number().check(z.int(), z.nonnegative(), z.lte(1440)), 5),
  /**
   * A scope's lease: while a job for it is queued or running, the planner does not enqueue another.
   * It expires after this long in case a job died without releasing it (e.g. it went to the DLQ).
   */
  leaseMinutes: z._default(z.number().check(z.int(), z.positive(), z.lte(1440)), 60),
});

export type SyncConfig = z.infer<typeof SyncConfigSchema>;

/**
 * What the planner is handed (bundled sync-config.json): the sync scope plus the resources whose
 * scheduled pull is reconciliation (webhooks on: cadence/run-resources.ts).
 */
export const PlannerConfigSchema = z.extend(SyncConfigSchema, {
  reconciledResources: z._default(z.array(ResourceNameSchema), []),
});

export type PlannerConfig = z.infer<typeof PlannerConfigSchema>;
