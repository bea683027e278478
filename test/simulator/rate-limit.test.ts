import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from './sim-http';

describe('simulator rate limits', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 1 } });
    companyId = sim.store.companies()[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  afterAll(() => sim.close());

  const rate = (h: Headers) => ({
    limit: h.get('x-rate-limit-limit'),
    remaining: h.get('x-rate-limit-remaining'),
    reset: Number(h.get('x-rate-limit-reset')),
  });

  it('limits the spike window, with Retry-After when asked for, and recovers after it', async () => {
    sim.setRateLimit({ hourly: 1000, spike: 3, spikeWindowSeconds: 10, retryAfter: true });
    const nowS = Math.floor(sim.clock.now() / 1000);
    const first = await api('/rest/v1.0/me');
    expect(rate(first.headers)).toEqual({ limit: '3', remaining: '2', reset: expect.any(Number) });
    expect(rate(first.headers).reset).toBeGreaterThanOrEqual(nowS + 9);
    expect(rate(first.headers).reset).toBeLessThanOrEqual(nowS + 11);
    await api('/rest/v1.0/me');
    const third = await api('/rest/v1.0/nope'); // failed requests count too, and carry the headers
    expect(third.status).toBe(404);
    expect(rate(third.headers).remaining).toBe('0');

    const limited = await api('/rest/v1.0/me');
    expect(limited.status).toBe(429);
    expect(rate(limited.headers)).toMatchObject({ limit: '3', remaining: '0' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);

    sim.clock.advance(retryAfter * 1000);
    expect((await api('/rest/v1.0/me')).status).toBe(200);
  });

  it('limits the hourly window; without retryAfter the 429 has no Retry-After', async () => {
    sim.setRateLimit({ hourly: 2, spike: 100, retryAfter: false });
    const first = await api('/rest/v1.0/me');
    expect(rate(first.headers)).toMatchObject({ limit: '2', remaining: '1' });
    await api('/rest/v1.0/me');
    const limited = await api('/rest/v1.0/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    const { reset } = rate(limited.headers);
    expect(reset * 1000 - sim.clock.now()).toBeGreaterThan(3_500_000);

    sim.clock.advance(11_000); // the spike window resets, the hourly one does not
    expect((await api('/rest/v1.0/me')).status).toBe(429);
    sim.clock.set(reset * 1000);
    expect((await api('/rest/v1.0/me')).status).toBe(200);
  });

  it('reports the window that runs out first', async () => {
    sim.setRateLimit({ hourly: 5, spike: 50 });
    expect(rate((await api('/rest/v1.0/me')).headers)).toMatchObject({ limit: '5', remaining: '4' });
    sim.setRateLimit({ hourly: 500, spike: 4 });
    expect(rate((await api('/rest/v1.0/me')).headers)).toMatchObject({ limit: '4', remaining: '3' });
  });

  it('counts unauthenticated requests and answers 429 before 401', async () => {
    sim.setRateLimit({ hourly: 1000, spike: 1 });
    const anonymous = await api('/rest/v1.0/me', { token: null });
    expect(anonymous.status).toBe(401);
    expect(rate(anonymous.headers).remaining).toBe('0');
    expect((await api('/rest/v1.0/me', { token: null })).status).toBe(429);
    sim.setRateLimit(undefined);
    expect((await api('/rest/v1.0/me')).status).toBe(200);
  });
});
