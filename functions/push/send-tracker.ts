// Whether Procore may have acted on a call that failed: did its last HTTP attempt reach Procore
// without an answer that says "nothing was done"? The Procore client runs every attempt through its
// `aroundCall` hook; this hook notes, for the call running in the current async context, whether
// the attempt's request went out and what came back. The client repeats a POST only after answers
// that prove Procore did nothing (429, 503, a refused connection), so the last attempt decides.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProcoreClientHooks } from '../commons/procore/client';

/** What the last attempt of a tracked call saw. */
export interface SendRecord {
  /** An attempt's request went out. */
  sent: boolean;
  /** The last attempt's HTTP status; undefined when it got no answer (reset, timeout) or none went out. */
  status?: number;
}

const current = new AsyncLocalStorage<SendRecord>();
let hookInstalled = false;

const hooks: ProcoreClientHooks = {
  async aroundCall(_call, send) {
    const record = current.getStore();
    if (!record) return send();
    record.sent = true;
    delete record.status;
    const result = await send();
    record.status = result.status;
    return result;
  },
};

/** The hooks to give the push function's Procore client: from then on a failed call's record tells what Procore saw. */
export function sendTrackingHooks(): ProcoreClientHooks {
  hookInstalled = true;
  return hooks;
}

/** Runs `call` with its attempts noted; `record` is filled in as they run. */
export function trackSends<T>(call: () => Promise<T>): { record: SendRecord; result: Promise<T> } {
  const record: SendRecord = { sent: false };
  return { record, result: current.run(record, call) };
}

/**
 * Statuses after which Procore may have made the record: the same ones after which the Procore
 * client will not repeat a POST (500/502/504: the server or a gateway failed, perhaps after acting).
 */
const AMBIGUOUS_STATUSES = new Set([500, 502, 504]);

/** Whether Procore may have acted on a call that ended in `error`, as far as `record` tells. */
export function mayHaveActed(record: SendRecord, error: unknown): boolean {
  if (!hookInstalled) {
    // Without the hook only an error carrying Procore's answer tells; anything else may have acted.
    const status = (error as { status?: unknown } | null)?.status;
    return typeof status !== 'number' || AMBIGUOUS_STATUSES.has(status);
  }
  if (!record.sent) return false;
  if (record.status === undefined) return true;
  // A 2xx that still ended in an error (an answer the client could not read) did act.
  return AMBIGUOUS_STATUSES.has(record.status) || (record.status >= 200 && record.status < 300);
}
