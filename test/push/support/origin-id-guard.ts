// Every push test run is scanned for origin ids the connector made up: the harnesses record each
// message body they send, and on close the simulator's request log is audited against them
// (simulator/origin-id-audit.ts). A test that clears the log mid-run does not hide a write: the
// log is audited just before each clear.
import { auditOriginIds, describeForeignOriginId, originIdsOfMessages, type ForeignOriginId, type ProcoreSimulator } from '../../../simulator';

export interface OriginIdGuard {
  /** Message bodies put on a push queue (objects or their JSON text; bad input carries none). */
  sent(bodies: Iterable<unknown>): void;
  /** Throws, naming each request, when any write carried an origin_id no sent message carried. */
  check(): void;
  /** check(), then stops the simulator whatever check() found. */
  checkAndClose(): Promise<void>;
}

export function guardOriginIds(sim: ProcoreSimulator): OriginIdGuard {
  const sentIds = originIdsOfMessages([]);
  const foreign: ForeignOriginId[] = [];
  let writesChecked = 0;
  const audit = () => {
    const result = auditOriginIds(sim.requests(), sentIds);
    writesChecked += result.writesChecked;
    foreign.push(...result.foreign);
  };
  const clear = sim.clearRequests;
  sim.clearRequests = () => {
    audit();
    clear();
  };
  const check = () => {
    audit();
    clear();
    if (foreign.length === 0) return;
    throw new Error(
      `${foreign.length} of ${writesChecked} Procore write request(s) carried an origin_id no push message carried:\n${foreign.map(describeForeignOriginId).join('\n')}`,
    );
  };
  return {
    sent: (bodies) => {
      originIdsOfMessages(bodies, sentIds);
    },
    check,
    async checkAndClose() {
      try {
        check();
      } finally {
        await sim.close();
      }
    },
  };
}
