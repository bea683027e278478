// The chaos scenarios of `npm run chaos`, at small sizes, as assertions: the same functions, the
// real handlers in their own processes (bundled as the stack bundles them), the Procore simulator
// with 10 % 5xx, 5 % 429 and 2 % dropped connections, tokens invalidated and a worker killed mid-job.
import { prepareChaosDeps, type ChaosDeps } from '../../chaos/deps';
import { scanForSecrets } from '../../chaos/log-scan';
import { BAD_INPUT_CORPUS } from '../../chaos/bad-input-corpus';
import { runBadInputCorpus } from '../../chaos/scenarios/bad-input';
import { runPullChaos } from '../../chaos/scenarios/pull';
import { runPushChaos } from '../../chaos/scenarios/push';
import { FAST } from '../../chaos/sizes';

jest.setTimeout(180_000);

let deps: ChaosDeps & { dispose(): Promise<void> };

beforeAll(async () => {
  deps = await prepareChaosDeps();
});

afterAll(async () => {
  await deps?.dispose();
});

describe('chaos (fast sizes)', () => {
  it('the log scan finds a planted token and the client secret, and only them', () => {
    const lines = ['{"level":"INFO","message":"token renewed"}', '{"level":"DEBUG","authorization":"Bearer tok_planted_abcdef123"}', 'secret=s3cr3t-value-xyz'];
    const scan = scanForSecrets(lines, [
      { label: 'access token #1', value: 'tok_planted_abcdef123' },
      { label: 'client secret', value: 's3cr3t-value-xyz' },
      { label: 'access token #2', value: 'tok_never_logged_999' },
    ]);
    expect(scan.hits).toEqual([
      { label: 'access token #1', line: 2 },
      { label: 'client secret', line: 3 },
    ]);
  });

  it('pull: no record lost under faults, a token purge and a killed worker', async () => {
    const outcome = await runPullChaos(FAST.pull, deps);
    expect(outcome.expectedRecords).toBe(FAST.pull.records);
    expect(outcome.lost).toBe(0);
    expect(outcome.unexpected).toBe(0);
    expect(outcome.jobsDeadLettered).toBe(0);
    // The chaos really happened.
    expect(outcome.workersKilled).toBe(1);
    expect(outcome.workerInvocationsFailed).toBeGreaterThanOrEqual(1);
    expect(outcome.tokensInvalidated).toBe(1);
    expect(outcome.faults.serverErrors).toBeGreaterThan(0);
    expect(outcome.faults.tokensIssued).toBeGreaterThan(1);
    expect(outcome.logScan.linesScanned).toBeGreaterThan(0);
    expect(outcome.logScan.hits).toEqual([]);
  });

  it('push: nothing lost, no duplicate create, refusals dead-lettered with their reason', async () => {
    const outcome = await runPushChaos(FAST.push, deps);
    expect(outcome.lost).toBe(0);
    expect(outcome.duplicateCreates).toBe(0);
    expect(outcome.refusedAsExpected).toBe(outcome.refusedExpected);
    expect(outcome.refusedExpected).toBeGreaterThan(0);
    expect(outcome.unexpectedDeadLetters).toBe(0);
    expect(outcome.applied).toBe(outcome.messages - outcome.refusedExpected);
    expect(outcome.workersKilled).toBe(1);
    expect(outcome.tokensInvalidated).toBe(1);
    expect(outcome.faults.serverErrors + outcome.faults.rateLimited + outcome.faults.dropped).toBeGreaterThan(0);
    expect(outcome.logScan.hits).toEqual([]);
  });

  it('bad input: every class dead-lettered with a reason naming it, its batch unaffected, no crash', async () => {
    expect(BAD_INPUT_CORPUS.length).toBeGreaterThanOrEqual(20);
    const outcome = await runBadInputCorpus(FAST.badInput, deps);
    const wrong = outcome.classes.filter((c) => !c.ok).map((c) => `${c.name}: ${c.errorClass ?? 'not dead-lettered'}: ${c.reason ?? ''}`);
    expect(wrong).toEqual([]);
    expect(outcome.classes).toHaveLength(BAD_INPUT_CORPUS.length);
    expect(outcome.goodApplied).toBe(outcome.goodMessages);
    expect(outcome.invocationsFailed).toBe(0);
    expect(outcome.batchItemFailures).toBe(0);
    expect(outcome.logScan.hits).toEqual([]);
  });
});
