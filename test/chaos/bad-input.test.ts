// `npm run chaos`'s bad-input corpus, in full, as assertions: each class dead-lettered with a reason
// naming it, good messages in the same batches applied, the handler never crashing.
import { useChaosDeps } from './support/chaos-deps';
import { FAST } from '../../chaos/sizes';
import { BAD_INPUT_CORPUS } from '../../chaos/bad-input-corpus';
import { runBadInputCorpus } from '../../chaos/scenarios/bad-input';

const deps = useChaosDeps(['push']);

describe('chaos: bad input', () => {
  it('bad input: every class dead-lettered with a reason naming it, its batch unaffected, no crash', async () => {
    expect(BAD_INPUT_CORPUS.length).toBeGreaterThanOrEqual(20);
    const outcome = await runBadInputCorpus(FAST.badInput, deps());
    const wrong = outcome.classes.filter((c) => !c.ok).map((c) => `${c.name}: ${c.errorClass ?? 'not dead-lettered'}: ${c.reason ?? ''}`);
    expect(wrong).toEqual([]);
    expect(outcome.classes).toHaveLength(BAD_INPUT_CORPUS.length);
    expect(outcome.goodApplied).toBe(outcome.goodMessages);
    expect(outcome.invocationsFailed).toBe(0);
    expect(outcome.batchItemFailures).toBe(0);
    expect(outcome.logScan.hits).toEqual([]);
  });
});
