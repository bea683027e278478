// What every chaos scenario needs besides its sizes: the connector's handlers, bundled as the stack
// bundles them, so each runs in a function host exactly as Lambda would run it.
import { CONNECTOR_HANDLER_SOURCES } from '../local/scenario/connector-scenario';
import { bundleHandlers } from '../local/scenario/bundle-handlers';

export interface ChaosDeps {
  handlers: { planner: string; worker: string; push: string };
}

export async function prepareChaosDeps(): Promise<ChaosDeps & { dispose(): Promise<void> }> {
  const bundles = await bundleHandlers(CONNECTOR_HANDLER_SOURCES);
  return { handlers: bundles.entries, dispose: bundles.remove };
}
