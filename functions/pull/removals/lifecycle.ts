// A record's lifecycle as the resource's own list shows it: deleted_at set (lists read with
// filters[include_deleted]) is deleted; a record whose declared `activeField` is false (projects
// `active` in the list read with filters[by_status]=All, vendors and users `is_active`) is inactive.
// Records read from a recycle bin or an inactive list get their lifecycle from where they were found.
import type { Lifecycle } from '../../commons/contracts/record-envelope';
import type { ResourceName } from '../../commons/resources/names';
import { getResource } from '../../commons/resources/registry';

export function lifecycleOf(resource: ResourceName, record: Record<string, unknown>): Lifecycle {
  if (record.deleted_at !== undefined && record.deleted_at !== null) return 'deleted';
  const activeField = getResource(resource).activeField;
  if (activeField !== undefined && record[activeField] === false) return 'inactive';
  return 'active';
}
