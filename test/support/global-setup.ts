// Jest global setup: one moto server per test run. Workers start after this, so they inherit
// AWS_ENDPOINT_URL and the dummy credentials. Suites isolate themselves with unique resource names.
// The integration and e2e projects both name this file; when a run has both, the second call
// finds moto already started. The unit project has no global setup: no moto.
import { motoEnvironment, startMotoServer, type MotoServer } from '../../local/moto-server';

declare global {
  var __MOTO__: MotoServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (globalThis.__MOTO__) return;
  const moto = await startMotoServer({ log: (line) => process.stderr.write(`${line}\n`) });
  globalThis.__MOTO__ = moto;
  Object.assign(process.env, motoEnvironment(moto.endpoint));
  // Jest skips globalTeardown when it is interrupted: stop moto on the way out as well.
  process.once('exit', () => {
    try {
      process.kill(moto.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}
