// Which resources a planner run pulls. With webhooks on for a resource, its changes arrive within
// seconds through the events consumer, and its scheduled pull becomes reconciliation: it runs on the
// stage's webhooks.reconcileSchedule (default daily) instead of sync.schedule, to bring back what
// Procore dropped after 12 hours of failed deliveries. The stack starts the planner from two rules:
// sync.schedule (a plain scheduled event: every resource but the reconciled ones) and
// reconcileSchedule (the same event with `connector.run: "reconcile"`: the reconciled ones only).
// The reconciliation pull reads from the scope's cursor as any pull does, and its jobs say
// `reconcile`: a record the webhook path already delivered as the same version (its delivered
// marker, content-hash/delivered-markers.ts) is left out, so only what the webhook path missed comes.
import * as z from '../../commons/validation/zod';
import type { ResourceName } from '../../commons/resources/names';

export const PlannerRunSchema = z.enum(['schedule', 'reconcile']);
export type PlannerRun = z.infer<typeof PlannerRunSchema>;

/** The marker the reconciliation rule adds to its scheduled event. */
export const RECONCILE_EVENT_MARKER = { run: 'reconcile' } as const satisfies { run: PlannerRun };

export function resourcesOfRun(resources: readonly ResourceName[], reconciled: readonly ResourceName[], run: PlannerRun): ResourceName[] {
  const isReconciled = (resource: ResourceName) => reconciled.includes(resource);
  return resources.filter((resource) => (run === 'reconcile' ? isReconciled(resource) : !isReconciled(resource)));
}
