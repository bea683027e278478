// The setup every chaos test shares: the handlers its scenario runs, bundled once per file (as the
// stack bundles them), removed afterwards, and a timeout for runs of a few tens of seconds.
import { prepareChaosDeps, type ChaosDeps, type ChaosHandler } from '../../../chaos/deps';

/** Registers beforeAll/afterAll; call the returned function inside a test for the deps. */
export function useChaosDeps<H extends ChaosHandler>(handlers: readonly H[]): () => ChaosDeps<H> {
  jest.setTimeout(180_000);
  let deps: (ChaosDeps<H> & { dispose(): Promise<void> }) | undefined;
  beforeAll(async () => {
    deps = await prepareChaosDeps(handlers);
  });
  afterAll(async () => {
    await deps?.dispose();
  });
  return () => {
    if (!deps) throw new Error('chaos deps are not ready (beforeAll failed?)');
    return deps;
  };
}
