// A record's lifecycle as the resource's own list shows it: deleted_at set (lists read with
// filters[include_deleted]) is deleted; a project with active false (the project list read with
// filters[by_status]=All) is inactive, as is a vendor or user with is_active false. Records read
// from a recycle bin or an inactive list get their lifecycle from where they were found.
import type { Lifecycle } from '../../commons/contracts/record-envelope';
import type { ResourceName } from '../../commons/resources/names';

/** The field that says a record is active, per resource that has one (Procore's names). */
const ACTIVE_FIELD: Partial<Record<ResourceName, string>> = { projects: 'active', vendors: 'is_active', company_users: 'is_active' };

export function lifecycleOf(resource: ResourceName, record: Record<string, unknown>): Lifecycle {
  if (record.deleted_at !== undefined && record.deleted_at !== null) return 'deleted';
  const activeField = ACTIVE_FIELD[resource];
  if (activeField !== undefined && record[activeField] === false) return 'inactive';
  return 'active';
}
