// The fault mix the chaos runs put on Procore (the simulator): the 10 % 5xx, 5 % 429 and
// 2 % dropped connections, drawn per REST request from the simulator's seeded PRNG.
import type { FaultOptions, LoggedRequest } from '../simulator';

export const CHAOS_FAULTS: FaultOptions = {
  serverErrorRate: 0.1,
  rateLimitBurstRate: 0.05,
  dropConnectionRate: 0.02,
};

export interface FaultCounts {
  requests: number;
  serverErrors: number;
  rateLimited: number;
  dropped: number;
  /** 401 answers (tokens invalidated mid-run). */
  unauthorized: number;
  tokensIssued: number;
}

/** What the simulator actually did to the run's requests (so a report shows the faults happened). */
export function countFaults(requests: LoggedRequest[], tokensIssued: number): FaultCounts {
  return {
    requests: requests.length,
    serverErrors: requests.filter((r) => r.fault?.startsWith('server-error')).length,
    rateLimited: requests.filter((r) => r.status === 429).length,
    dropped: requests.filter((r) => r.fault === 'drop').length,
    unauthorized: requests.filter((r) => r.status === 401).length,
    tokensIssued,
  };
}
