// A sync scope is the unit of pulling: one resource in one company, or in one project of it.
// Every cursor, lease, checkpoint and failure in the state table is kept per scope.
import type { ResourceName } from '../commons/resources/names';

export interface SyncScope {
  companyId: number;
  /** null for company-scoped resources. */
  projectId: number | null;
  resource: ResourceName;
}

/** Readable scope name for logs and errors, e.g. "rfis in company 12 project 34". */
export function describeScope(scope: SyncScope): string {
  const where = scope.projectId === null ? `company ${scope.companyId}` : `company ${scope.companyId} project ${scope.projectId}`;
  return `${scope.resource} in ${where}`;
}

/** Stable scope identifier, unique per (company, project, resource). */
export function scopeId(scope: SyncScope): string {
  return `${scope.resource}#${scope.projectId ?? 'company'}`;
}
