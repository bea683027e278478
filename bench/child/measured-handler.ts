// The function host's entry for a measured function: loads the real bundled handler named by
// BENCH_HANDLER_BUNDLE (as Lambda would load it) and passes every event through, except the bench's
// usage probe, which it answers with this process's peak RSS and CPU time.
import { pathToFileURL } from 'node:url';
import { childUsage, isUsageProbe } from './resource-usage';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function loadTarget(): Promise<Handler> {
  const bundle = process.env.BENCH_HANDLER_BUNDLE;
  if (!bundle) throw new Error('measured-handler needs BENCH_HANDLER_BUNDLE (the bundled handler to run)');
  const loaded = (await import(pathToFileURL(bundle).href)) as { handler?: Handler };
  if (typeof loaded.handler !== 'function') throw new Error(`${bundle} exports no handler`);
  return loaded.handler;
}

// Started at module load, as Lambda's init phase would load the bundle.
const target = loadTarget();
target.catch(() => undefined);

export const handler: Handler = async (event, context) => {
  const run = await target;
  return isUsageProbe(event) ? childUsage() : run(event, context);
};
