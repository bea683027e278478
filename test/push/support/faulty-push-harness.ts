// A push harness whose AWS calls go through the chaos fault proxy (chaos/aws-fault-proxy.ts), for
// tests that make one AWS call fail or hang while the rest go through to moto.
import { startAwsFaultProxy, type AwsCall, type AwsFault, type AwsFaultProxy } from '../../../chaos/aws-fault-proxy';
import { startPushHarness, type PushHarness } from './push-harness';

export interface FaultyPushHarness {
  h: PushHarness;
  proxy: AwsFaultProxy;
  /** Closes the harness and the proxy and points the AWS clients back at moto. */
  close(): Promise<void>;
}

/** `decide` is asked for each AWS call (pass `(call) => decide(call)` to change it during a test). */
export async function startFaultyPushHarness(
  options: Parameters<typeof startPushHarness>[0],
  decide: (call: AwsCall) => AwsFault | undefined,
): Promise<FaultyPushHarness> {
  const motoEndpoint = process.env.AWS_ENDPOINT_URL!;
  const proxy = await startAwsFaultProxy({ target: motoEndpoint, decide });
  process.env.AWS_ENDPOINT_URL = proxy.url;
  const h = await startPushHarness(options);
  return {
    h,
    proxy,
    close: async () => {
      process.env.AWS_ENDPOINT_URL = motoEndpoint;
      await h.close();
      await proxy.close();
    },
  };
}
