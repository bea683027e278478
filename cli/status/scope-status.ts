// `status`: where each sync scope of a company stands, from the state table: how far it has pulled
// (cursor and last pull), whether a job holds it (lease), a pull in progress across invocations
// (checkpoint), the last permanent failure and the back-off it put the scope in, and how many of
// its records were delivered as inactive (vendors, company users).
import type { SyncStateItem } from '../../functions/pull/state/status';

export interface ScopeStatus {
  resource: string;
  projectId: number | null;
  cursor?: string;
  lastPull?: { records: number; pages: number; finishedAt: string; removalsUnavailable?: string };
  lease?: { holder: string; expiresAt: string; expired: boolean };
  checkpoint?: { resumeFrom?: string; nextPage: number; recordsSoFar: number; savedAt: string };
  failure?: { errorClass: string; message: string; httpStatus?: number; failedAt: string };
  /** Failed for good this many times in a row; the planner leaves it until retryAt (active: not yet reached). */
  backoff?: { consecutiveFailures: number; retryAt: string; active: boolean };
  /** Records delivered as inactive and still on Procore's inactive list. */
  inactiveDelivered?: number;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** One status per scope, sorted by resource then project. */
export function scopeStatuses(items: SyncStateItem[], now: number): ScopeStatus[] {
  const byScope = new Map<string, ScopeStatus>();
  for (const item of items) {
    const key = `${item.resource}#${item.projectId ?? ''}`;
    const status = byScope.get(key) ?? { resource: item.resource, projectId: item.projectId ?? null };
    byScope.set(key, status);
    switch (item.kind) {
      case 'cursor': {
        const cursor = str(item.cursor);
        if (cursor) status.cursor = cursor;
        const last = item.lastPull as { records?: unknown; pages?: unknown; finishedAt?: unknown; removalsUnavailable?: unknown } | undefined;
        if (last && str(last.finishedAt)) {
          const unavailable = str(last.removalsUnavailable);
          status.lastPull = {
            records: num(last.records) ?? 0,
            pages: num(last.pages) ?? 0,
            finishedAt: str(last.finishedAt)!,
            ...(unavailable ? { removalsUnavailable: unavailable } : {}),
          };
        }
        break;
      }
      case 'lease': {
        const expiresAtMs = num(item.expiresAtMs) ?? 0;
        status.lease = { holder: str(item.holder) ?? '', expiresAt: new Date(expiresAtMs).toISOString(), expired: expiresAtMs < now };
        break;
      }
      case 'checkpoint':
        status.checkpoint = {
          ...(str(item.resumeFrom) ? { resumeFrom: str(item.resumeFrom)! } : {}),
          nextPage: num(item.nextPage) ?? 1,
          recordsSoFar: num(item.recordsSoFar) ?? 0,
          savedAt: str(item.savedAt) ?? '',
        };
        break;
      case 'failure': {
        const httpStatus = num(item.httpStatus);
        status.failure = {
          errorClass: str(item.errorClass) ?? 'Unknown',
          message: str(item.message) ?? '',
          ...(httpStatus !== undefined ? { httpStatus } : {}),
          failedAt: str(item.failedAt) ?? '',
        };
        const retryAtMs = num(item.retryAtMs);
        if (retryAtMs !== undefined) {
          status.backoff = { consecutiveFailures: num(item.consecutiveFailures) ?? 1, retryAt: new Date(retryAtMs).toISOString(), active: retryAtMs > now };
        }
        break;
      }
      case 'inactive':
        // One item per chunk; each carries the set's total.
        status.inactiveDelivered = num(item.total) ?? status.inactiveDelivered;
        break;
    }
  }
  return [...byScope.values()].sort((a, b) => a.resource.localeCompare(b.resource) || (a.projectId ?? 0) - (b.projectId ?? 0));
}
