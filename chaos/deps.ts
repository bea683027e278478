// What every chaos scenario needs besides its sizes: the connector's handlers, bundled as the stack
// bundles them, so each runs in a function host exactly as Lambda would run it. A scenario names the
// handlers it runs, so a caller bundles only those.
import { CONNECTOR_HANDLER_SOURCES } from '../local/scenario/connector-scenario';
import { bundleHandlers } from '../local/scenario/bundle-handlers';

export type ChaosHandler = keyof typeof CONNECTOR_HANDLER_SOURCES;

const ALL_CHAOS_HANDLERS = Object.keys(CONNECTOR_HANDLER_SOURCES) as ChaosHandler[];

export interface ChaosDeps<H extends ChaosHandler = ChaosHandler> {
  handlers: Record<H, string>;
}

/** Bundles the named handlers (all of them by default); dispose removes the bundles. */
export async function prepareChaosDeps<H extends ChaosHandler = ChaosHandler>(
  names: readonly H[] = ALL_CHAOS_HANDLERS as H[],
): Promise<ChaosDeps<H> & { dispose(): Promise<void> }> {
  const sources = Object.fromEntries(names.map((name) => [name, CONNECTOR_HANDLER_SOURCES[name]])) as Record<H, string>;
  const bundles = await bundleHandlers(sources);
  return { handlers: bundles.entries, dispose: bundles.remove };
}
