// Messages between function-host.ts (the "Lambda service") and function-host-child.ts (one sandbox).
export interface HostRequest {
  id: number;
  event: unknown;
  timeoutMs: number;
  /** The invocation's X-Ray trace header, which Lambda's runtime puts in _X_AMZN_TRACE_ID. */
  traceId?: string;
}

export interface HostError {
  name: string;
  message: string;
}

export type HostReply =
  | { type: 'ready' }
  | { type: 'load-error'; error: HostError }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: HostError };
