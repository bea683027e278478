// Messages between function-host.ts (the "Lambda service") and function-host-child.ts (one sandbox).
export interface HostRequest {
  id: number;
  event: unknown;
  timeoutMs: number;
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
