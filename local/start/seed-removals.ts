// What users do in Procore that takes records out of their lists, seeded before the first pull so
// the run shows each removal reaching downstream: per installed company one vendor and one user
// deactivated; per permitted project one RFI, submittal and observation recycled and one work order
// contract, purchase order contract, potential change order and change event deleted (the lists
// Procore serves with `filters[include_deleted]`); and the last installed company's last project
// closed (its tools keep syncing). `removalsReport` then compares what was delivered with what the
// simulator removed, for these resources. The other resources' removals cannot be seen in one run:
// their lists declare no way to show removed records, or (content-hash lists) a removal is an id
// that left the list since the previous listing.
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import type { ProcoreSimulator } from '../../simulator';

const DEACTIVATED = ['vendors', 'company_users'] as const;
const RECYCLED = ['rfis', 'submittals', 'observations'] as const;
const DELETED = ['work_order_contracts', 'purchase_order_contracts', 'potential_change_orders', 'change_events'] as const;

/** The resources whose removals the run seeds, and so checks (the closed project is a projects removal). */
const RESOURCES_WITH_SEEDED_REMOVALS: readonly string[] = ['projects', ...DEACTIVATED, ...RECYCLED, ...DELETED];

export interface RemovalsRow {
  resource: string;
  /** Distinct records delivered with a lifecycle other than active. */
  delivered: number;
  /** Records the simulator holds out of their default list, in the scopes the connector reaches. */
  inSimulator: number;
  /** In the simulator but never delivered as removed. */
  missed: number;
}

export function seedRemovals(sim: ProcoreSimulator): string {
  const { store } = sim;
  const installed = store.companies().filter((c) => c.installed);
  const counts = { recycled: 0, deactivated: 0, deleted: 0, closed: 0 };
  // The second record of each scope: the first ones are what the sample pushes address.
  const second = (resource: string, scope: { companyId: number; projectId?: number }) => store.list(resource, scope)[1]?.id;
  for (const company of installed) {
    for (const resource of DEACTIVATED) {
      const id = second(resource, { companyId: company.id });
      if (id === undefined) continue;
      store.deactivate(resource, id);
      counts.deactivated += 1;
    }
    for (const project of store.projects(company.id).filter((p) => p.permitted)) {
      const scope = { companyId: company.id, projectId: project.id };
      for (const resource of RECYCLED) {
        const id = second(resource, scope);
        if (id === undefined) continue;
        store.recycle(resource, id);
        counts.recycled += 1;
      }
      for (const resource of DELETED) {
        const id = second(resource, scope);
        if (id === undefined) continue;
        store.deleteRecord(resource, id);
        counts.deleted += 1;
      }
    }
  }
  const last = installed.at(-1);
  const closing = last ? store.projects(last.id).at(-1) : undefined;
  if (closing) {
    store.closeProject(closing.id);
    counts.closed += 1;
  }
  return `${counts.recycled} recycled, ${counts.deactivated} deactivated, ${counts.deleted} deleted, ${counts.closed} project(s) closed`;
}

/**
 * Per resource of the stage whose removals the run seeded: removals delivered against the
 * simulator's, for the scopes the connector reaches.
 */
export function removalsReport(sim: ProcoreSimulator, resources: string[], delivered: RecordEnvelope[]): RemovalsRow[] {
  const { store } = sim;
  const reachable = (r: { resource: string; id: number; companyId: number; projectId?: number }) =>
    store.company(r.companyId)?.installed === true &&
    (r.resource === 'projects' ? store.projectListed(r.id) : r.projectId === undefined || store.projectListed(r.projectId));
  return resources
    .filter((resource) => RESOURCES_WITH_SEEDED_REMOVALS.includes(resource))
    .map((resource) => {
      const seen = new Set(delivered.filter((e) => e.resource === resource && e.lifecycle !== 'active').map((e) => e.id));
      const expected = store.removed(resource).filter(reachable);
      return { resource, delivered: seen.size, inSimulator: expected.length, missed: expected.filter((r) => !seen.has(r.id)).length };
    });
}
