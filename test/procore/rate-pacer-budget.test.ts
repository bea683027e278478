// The rate pacer with the real client against a small budget on the simulator: it stays under it.
import { startProcoreFixture, type ProcoreFixture } from './fixtures';

describe('RatePacer with the client against a small budget', () => {
  let f: ProcoreFixture;
  beforeAll(async () => {
    f = await startProcoreFixture({ rateLimit: { spike: 20, spikeWindowSeconds: 10, hourly: 1000 } });
  });
  afterAll(async () => {
    await f.close();
  });

  it('makes 60 calls from 5 concurrent workers under a 20-per-10-s spike limit without one 429', async () => {
    const started = f.clock();
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        for (let i = 0; i < 12; i += 1) {
          await f.client.request({ method: 'GET', path: '/rest/v1.0/companies', companyId: f.companyId, deadline: f.clock() + 120_000 });
        }
      }),
    );
    expect(f.sim.countRequests((r) => r.path.startsWith('/api/rest/'))).toBe(60);
    expect(f.sim.countRequests((r) => r.status === 429)).toBe(0);
    expect(f.client.stats).toMatchObject({ requests: 60, rateLimited: 0, retries: 0 });
    // 60 calls at 20 per window need at least two full windows to have passed.
    expect(f.clock() - started).toBeGreaterThanOrEqual(20_000);
  });
});
