// What the planner needs from the state table to decide which of a company's scopes to enqueue:
// each scope's cursor (when it last completed a pull) and back-off (when it may be tried again).
// Two key-range reads per company, not one read per scope.
import type { ScopeTiming } from '../cadence/scope-turn';
import type { SyncTable } from './cursor';
import { querySyncPartition } from './partition-query';
import type { SyncStateKind } from './state-keys';

export type ScopeTimings = Map<string, Omit<ScopeTiming, 'projectActive'>>;

/** Cursor and back-off per scope id (see sync-scope.ts scopeId) of one company. */
export async function readScopeTimings(table: SyncTable, companyId: number): Promise<ScopeTimings> {
  const timings: ScopeTimings = new Map();
  const entry = (scopeId: string) => timings.get(scopeId) ?? timings.set(scopeId, {}).get(scopeId)!;
  for (const item of await itemsOfKind(table, companyId, 'cursor', 'sk, cursorMs')) {
    if (typeof item.cursorMs === 'number') entry(scopeIdOf(item.sk, 'cursor')).cursorMs = item.cursorMs;
  }
  for (const item of await itemsOfKind(table, companyId, 'failure', 'sk, retryAtMs')) {
    if (typeof item.retryAtMs === 'number') entry(scopeIdOf(item.sk, 'failure')).retryAtMs = item.retryAtMs;
  }
  return timings;
}

function scopeIdOf(sk: unknown, kind: SyncStateKind): string {
  return String(sk).slice(kind.length + 1);
}

function itemsOfKind(table: SyncTable, companyId: number, kind: SyncStateKind, projection: string): Promise<Record<string, unknown>[]> {
  return querySyncPartition(table, companyId, { skPrefix: `${kind}#`, projection });
}
