// Companies and projects Procore lists are keyed by their ids everywhere after discovery (scopes,
// cursors, the Procore-Company-Id header), as JS numbers. One whose id a number cannot hold exactly
// (beyond 2^53-1) or that is no id at all is left out of the run with its reason logged and counted
// (metric DiscoveredIdsRefused); the others sync as usual.
import { readProcoreId } from '../../commons/contracts/procore-id';
import type { LoggerLike } from '../../commons/observability/logger';

export interface RefusedIdDeps {
  logger: LoggerLike;
  countMetric?: (name: string, value: number) => void;
}

/** The items whose id the connector can carry, with that id as a number. */
export function withReadableIds<T extends { id?: unknown }>(
  items: T[],
  what: 'company' | 'project',
  deps: RefusedIdDeps,
  context: Record<string, unknown> = {},
): (T & { id: number })[] {
  const kept: (T & { id: number })[] = [];
  for (const item of items) {
    const id = readProcoreId(item.id);
    if (id.ok) {
      kept.push({ ...item, id: id.id });
      continue;
    }
    deps.countMetric?.('DiscoveredIdsRefused', 1);
    deps.logger.error(`Procore listed a ${what} whose id the connector cannot use; it is not synced`, { ...context, what, reason: id.reason });
  }
  return kept;
}
