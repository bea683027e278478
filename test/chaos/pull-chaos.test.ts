// `npm run chaos`'s pull scenario at a small size, as assertions: the real planner and workers in their own
// processes, the simulator answering 10 % 5xx, 5 % 429 and dropping 2 % of connections, every token
// invalidated and a worker killed mid-job.
import { useChaosDeps } from './support/chaos-deps';
import { FAST } from '../../chaos/sizes';
import { runPullChaos } from '../../chaos/scenarios/pull';

const deps = useChaosDeps(['planner', 'worker']);

describe('chaos: pull (fast size)', () => {
  it('pull: no record lost under faults, a token purge and a killed worker', async () => {
    const outcome = await runPullChaos(FAST.pull, deps());
    expect(outcome.expectedRecords).toBe(FAST.pull.records);
    expect(outcome.lost).toBe(0);
    expect(outcome.unexpected).toBe(0);
    expect({ deadLettered: outcome.jobsDeadLettered, reasons: outcome.jobsDeadLetterReasons }).toEqual({ deadLettered: 0, reasons: [] });
    // The chaos really happened.
    expect(outcome.workersKilled).toBe(1);
    expect(outcome.workerInvocationsFailed).toBeGreaterThanOrEqual(1);
    expect(outcome.tokensInvalidated).toBe(1);
    expect(outcome.faults.serverErrors).toBeGreaterThan(0);
    expect(outcome.faults.tokensIssued).toBeGreaterThan(1);
    expect(outcome.logScan.linesScanned).toBeGreaterThan(0);
    expect(outcome.logScan.hits).toEqual([]);
  });
});
