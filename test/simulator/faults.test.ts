import { createConnection } from 'node:net';
import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';

describe('simulator faults and latency', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 1 } });
    companyId = sim.store.companies()[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterEach(() => {
    sim.setFaults(undefined);
    sim.setLatency(undefined);
    sim.clearRequests();
  });
  afterAll(() => sim.close());

  it('answers 500/502/503/504, 503 with Retry-After: 1, and logs the fault', async () => {
    sim.setFaults({ serverErrorRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const res = await api('/rest/v1.0/me');
      statuses.add(res.status);
      if (res.status === 503) expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.headers.get('x-rate-limit-remaining')).toBeTruthy();
    }
    expect([...statuses].sort()).toEqual([500, 502, 503, 504]);
    expect(sim.countRequests((r) => r.fault?.startsWith('server-error-') === true)).toBe(24);
  });

  it('answers 429 bursts regardless of the budget, with X-Rate-Limit-* only unless Retry-After is asked for', async () => {
    sim.setFaults({ rateLimitBurstRate: 1 });
    const res = await api('/rest/v1.0/me');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(sim.clock.now() / 1000);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(sim.requests()[0]).toMatchObject({ status: 429, fault: 'rate-limit-burst' });

    sim.setRateLimit({ retryAfter: true });
    try {
      expect(Number((await api('/rest/v1.0/me')).headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      sim.setRateLimit(undefined);
    }
  });

  it('drops connections without a response', async () => {
    sim.setFaults({ dropConnectionRate: 1 });
    await expect(api('/rest/v1.0/me')).rejects.toThrow();
    expect(sim.requests()[0]).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('hangs requests until the caller gives up', async () => {
    sim.setFaults({ hangRate: 1 });
    await expect(api('/rest/v1.0/me', { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
    expect(sim.requests()[0]).toMatchObject({ status: 0, fault: 'hang' });
  });

  it('is deterministic for a seed and rate, and respects `only`', async () => {
    const run = async () => {
      sim.setFaults({ serverErrorRate: 0.5, only: (r) => r.path.endsWith('/me') });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await api('/rest/v1.0/me')).status);
      return out;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(await run()).toEqual(first);
    for (let i = 0; i < 5; i++) expect((await api('/rest/v1.0/companies')).status).toBe(200);
  });

  it('leaves the token endpoint alone unless includeTokenEndpoint', async () => {
    sim.setFaults({ serverErrorRate: 1 });
    await expect(requestToken(sim)).resolves.toEqual(expect.any(String));
    sim.setFaults({ serverErrorRate: 1, includeTokenEndpoint: true });
    await expect(requestToken(sim)).rejects.toThrow(/token request failed: 50\d/);
  });

  it('adds latency with real timers', async () => {
    sim.setLatency({ min: 60, max: 80 });
    const started = performance.now();
    expect((await api('/rest/v1.0/me')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('simulator close()', () => {
  it('ends hung requests and leaves nothing listening', async () => {
    const sim = await startSimulator({ faults: { hangRate: 1 } });
    const port = Number(new URL(sim.apiUrl).port);
    const hung = fetch(`${sim.apiUrl}/rest/v1.0/me`, { signal: AbortSignal.timeout(5_000) }).then(
      () => 'answered',
      () => 'failed',
    );
    // Wait (bounded) until the request has reached the simulator: a fixed pause is too short on a loaded machine.
    for (let waited = 0; waited < 4_000 && sim.countRequests((r) => r.fault === 'hang') === 0; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    try {
      expect(sim.countRequests((r) => r.fault === 'hang')).toBe(1);
    } finally {
      // Closed on failure too: a simulator left listening keeps Jest from exiting.
      await sim.close();
    }
    expect(await hung).toBe('failed');
    const refused = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
