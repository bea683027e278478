// The Procore client's optional instrumentation (what the worker uses for an X-Ray subsegment per
// call and its 429-wait metrics): a hook around every HTTP attempt, one per wait after a 429.
import { ProcoreClient, type ProcoreCallInfo } from '../../functions/commons/procore/client';
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import { procoreClientHooks } from '../../functions/commons/observability/procore-hooks';
import { startProcoreFixture, type ProcoreFixture } from '../procore/fixtures';

let f: ProcoreFixture;

afterEach(async () => {
  await f?.close();
});

it('wraps every attempt and reports each wait after a 429, with the call it belongs to', async () => {
  f = await startProcoreFixture();
  const calls: (ProcoreCallInfo & { status: number })[] = [];
  const waits: { call: ProcoreCallInfo; delayMs: number }[] = [];
  const client = new ProcoreClient({
    environment: resolveProcoreEnvironment({ name: 'custom', loginUrl: f.sim.loginUrl, apiUrl: f.sim.apiUrl }),
    tokens: f.tokens,
    pacer: f.pacer,
    clock: f.clock,
    sleep: async (ms) => f.sim.clock.advance(ms),
    hooks: {
      async aroundCall(call, send) {
        const result = await send();
        calls.push({ ...call, status: result.status });
        return result;
      },
      onRateLimitWait: (call, delayMs) => waits.push({ call, delayMs }),
    },
  });
  let limited = 0;
  f.sim.setFaults({ rateLimitBurstRate: 1, only: (r) => r.path.includes('/rest/') && limited++ < 2 });
  await client.request({ method: 'GET', path: '/rest/v1.0/companies', companyId: f.companyId });
  expect(calls).toEqual([
    { method: 'GET', path: '/rest/v1.0/companies', attempt: 1, status: 429 },
    { method: 'GET', path: '/rest/v1.0/companies', attempt: 2, status: 429 },
    { method: 'GET', path: '/rest/v1.0/companies', attempt: 3, status: 200 },
  ]);
  expect(waits.map((w) => w.call.attempt)).toEqual([1, 2]);
  for (const wait of waits) expect(wait.delayMs).toBeGreaterThan(0);
});

it("the functions' hooks pass calls straight through where X-Ray is off (tests, the CLI)", async () => {
  const result = { status: 200, headers: {}, text: '[]' };
  await expect(procoreClientHooks.aroundCall!({ method: 'GET', path: '/rest/v1.0/me', attempt: 1 }, async () => result)).resolves.toBe(result);
});
