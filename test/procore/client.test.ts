// The Procore client over real HTTP against the simulator: headers, retries within the deadline,
// typed errors past it, 401 handling, pagination and pacing under a small rate budget.
import { version } from '../../package.json';
import { ProcoreError } from '../../functions/commons/procore/errors';
import { getResource } from '../../functions/commons/resources/registry';
import { buildListRequest, buildWriteRequest } from '../../functions/commons/resources/request-builders';
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import { createProcoreClient } from '../../functions/commons/procore/runtime';
import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { createDmsaSecret, startProcoreFixture, type ProcoreFixture } from './fixtures';

let f: ProcoreFixture;

afterEach(async () => {
  await f?.close();
});

const companies = (deadline?: number) =>
  f.client.request<{ id: number }[]>({ method: 'GET', path: '/rest/v1.0/companies', companyId: f.companyId, ...(deadline ? { deadline } : {}) });

/** Faults for the first `n` REST calls only. */
function firstCalls(n: number): (r: { path: string }) => boolean {
  let seen = 0;
  return (r) => r.path.includes('/rest/') && seen++ < n;
}

const restCalls = () => f.sim.requests().filter((r) => r.path.startsWith('/api/rest/'));

describe('ProcoreClient requests', () => {
  beforeEach(async () => {
    f = await startProcoreFixture({}, { timeoutMs: 1000 });
  });

  it('sends Procore-Company-Id, User-Agent and Accept on every call, tokens only to the login host', async () => {
    const project = f.sim.store.projects(f.companyId)[0]!;
    await companies();
    await f.client.request({ method: 'GET', path: '/rest/v1.0/me', companyId: f.companyId });
    for await (const page of f.client.pages({ ...buildListRequest(getResource('rfis'), { companyId: f.companyId, projectId: project.id }), perPage: 2 })) {
      expect(page.items.length).toBeGreaterThan(0);
    }
    const calls = restCalls();
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) {
      expect(call.headers['procore-company-id']).toBe(String(f.companyId));
      expect(call.headers['user-agent']).toBe(`procore-dmsa-connector/${version}`);
      expect(call.headers.accept).toBe('application/json');
      expect(call.headers.authorization).toMatch(/^Bearer \w+$/);
    }
    expect(
      f.sim
        .requests()
        .filter((r) => r.path.includes('/oauth/'))
        .map((r) => r.path),
    ).toEqual(['/login/oauth/token']);
  });

  it('retries 429 with Retry-After, waiting as long as it says', async () => {
    f.sim.setRateLimit({ retryAfter: true });
    f.sim.setFaults({ rateLimitBurstRate: 1, only: firstCalls(2) });
    const started = f.clock();
    const response = await companies();
    expect(response.status).toBe(200);
    expect(f.client.stats).toMatchObject({ requests: 3, retries: 2, rateLimited: 2 });
    const limited = restCalls().filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    expect(limited.every((r) => r.status === 429)).toBe(true);
    // Each 429 said Retry-After ≥ 1 s; the client waited (on the simulator clock) at least that.
    expect(f.clock() - started).toBeGreaterThanOrEqual(2000);
  });

  it('retries 429 without Retry-After by waiting until X-Rate-Limit-Reset', async () => {
    f.sim.setRateLimit({ retryAfter: false, spikeWindowSeconds: 10 });
    f.sim.setFaults({ rateLimitBurstRate: 1, only: firstCalls(1) });
    const started = f.clock();
    await companies();
    expect(f.client.stats.rateLimited).toBe(1);
    const [limited, ok] = restCalls();
    expect(limited?.status).toBe(429);
    expect(ok?.status).toBe(200);
    // The spike window (10 s) started with this first call; the retry came after its reset.
    expect(ok!.at).toBeGreaterThanOrEqual(started + 9000);
  });

  it.each([
    ['5xx answers', { serverErrorRate: 1 }],
    ['dropped connections', { dropConnectionRate: 1 }],
    ['hung requests', { hangRate: 1 }],
  ])('retries %s and succeeds within the deadline', async (_case, fault) => {
    f.sim.setFaults({ ...fault, only: firstCalls(2) });
    const response = await companies(f.clock() + 30_000);
    expect(response.status).toBe(200);
    expect(response.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(restCalls().filter((r) => r.fault !== undefined)).toHaveLength(2);
    expect(f.client.stats.retries).toBe(2);
  });

  it.each([
    ['5xx answers', { serverErrorRate: 1 }, 'ProcoreServerError'],
    ['429s', { rateLimitBurstRate: 1 }, 'ProcoreRateLimited'],
    ['dropped connections', { dropConnectionRate: 1 }, 'ProcoreNetworkError'],
    ['hung requests', { hangRate: 1 }, 'ProcoreTimeout'],
  ])('fails with a typed transient error once %s outlast the deadline', async (_case, fault, errorClass) => {
    f.sim.setFaults(fault);
    const deadline = f.clock() + 3000;
    const error = await companies(deadline).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcoreError);
    expect(error).toMatchObject({ kind: 'transient', errorClass });
    // Never slept past the deadline (the simulator clock moves only by the client's sleeps and real time).
    expect(f.clock()).toBeLessThan(deadline + 1000);
    if (errorClass === 'ProcoreRateLimited') expect((error as ProcoreError).retryAt).toBeGreaterThan(deadline);
  });

  it('does not repeat a POST after an ambiguous failure, but does after a refusal (429, 503)', async () => {
    const project = f.sim.store.projects(f.companyId)[0]!;
    const scope = { companyId: f.companyId, projectId: project.id };
    const create = buildWriteRequest(getResource('observations'), 'create', scope, { name: 'Missing guardrail', type_id: 1 });
    const count = () => f.sim.store.count('observations', scope);
    const before = count();
    const posts = () => restCalls().filter((r) => r.method === 'POST');
    const onFirstPost = (fault: object) => {
      let seen = 0;
      f.sim.setFaults({ ...fault, only: (r) => r.method === 'POST' && seen++ < 1 });
    };

    onFirstPost({ dropConnectionRate: 1 });
    await expect(f.client.request(create)).rejects.toMatchObject({ kind: 'transient', errorClass: 'ProcoreNetworkError' });
    expect(posts()).toHaveLength(1);

    onFirstPost({ rateLimitBurstRate: 1 });
    await expect(f.client.request(create)).resolves.toMatchObject({ status: 201 });
    expect(posts().map((r) => r.status)).toEqual([0, 429, 201]); // 0: the dropped one got no answer
    expect(count()).toBe(before + 1);

    onFirstPost({ serverErrorRate: 1 });
    const outcome = await f.client.request(create).catch((e: unknown) => e);
    const [injected, ...rest] = posts().slice(3);
    // The simulator picks 500/502/503/504 at random: only a 503 (the server refused) is repeated.
    if (injected!.status === 503) {
      expect(rest.map((r) => r.status)).toEqual([201]);
      expect(count()).toBe(before + 2);
    } else {
      expect(rest).toEqual([]);
      expect(outcome).toMatchObject({ kind: 'transient', status: injected!.status });
      expect(count()).toBe(before + 1);
    }
  });

  it('classifies permanent answers without retrying and keeps the message, request id and field errors', async () => {
    const [permitted] = f.sim.store.projects(f.companyId);
    const rfis = getResource('rfis');

    const invalid = await f.client
      .request(buildWriteRequest(rfis, 'create', { companyId: f.companyId, projectId: permitted!.id }, { subject: '' }))
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreValidation', status: 422 });
    expect((invalid as ProcoreError).message).toMatch(/^Procore POST \/rest\/v1\.0\/projects\/\d+\/rfis answered 422: .*subject/);
    expect((invalid as ProcoreError).details).toBeDefined();
    expect((invalid as ProcoreError).requestId).toMatch(/^[0-9a-f-]{36}$/);

    f.sim.store.setProjectPermitted(f.companyId, permitted!.id, false);
    const forbidden = await f.client.request(buildListRequest(rfis, { companyId: f.companyId, projectId: permitted!.id })).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreForbidden', status: 403 });
    expect((forbidden as ProcoreError).message).toMatch(/not a permitted project/);

    const missing = await f.client
      .request({ method: 'GET', path: '/rest/v1.0/vendors/1', companyId: f.companyId, query: { company_id: f.companyId } })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreNotFound', status: 404 });
    expect(f.client.stats.retries).toBe(0);
  });

  it('reads JSON and plain-text error bodies', async () => {
    const other = f.sim.store.companies().find((c) => !c.installed)!;
    const notInstalled = await f.client.request({ method: 'GET', path: '/rest/v1.0/companies', companyId: other.id }).catch((e: unknown) => e);
    expect(notInstalled).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreForbidden', status: 403 });
    expect((notInstalled as Error).message).toMatch(/answered 403: App is not connected to this company$/);

    // Procore answers a bad Procore-Company-Id header in plain text.
    const badHeader = await f.client.request({ method: 'GET', path: '/rest/v1.0/companies', companyId: 1.5 }).catch((e: unknown) => e);
    expect(badHeader).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreBadRequest', status: 400 });
    expect((badHeader as Error).message).toMatch(/answered 400: Invalid Procore-Company-Id header: "1\.5"$/);
  });
});

describe('createProcoreClient', () => {
  let sim: ProcoreSimulator;
  afterAll(async () => {
    await sim?.close();
  });

  it('wires the Secrets Manager secret, the token provider and the client for a handler', async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 1 } });
    const secretId = await createDmsaSecret({ client_id: sim.clientId, client_secret: sim.clientSecret });
    const client = createProcoreClient({ environment: resolveProcoreEnvironment({ name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl }), secretId });
    const companyId = sim.store.companies().find((c) => c.installed)!.id;
    const response = await client.request<{ id: number }[]>({ method: 'GET', path: '/rest/v1.0/companies', companyId });
    expect(response.data.map((c) => c.id)).toContain(companyId);
    expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /login/oauth/token 200', 'GET /api/rest/v1.0/companies 200']);
  });
});

describe('ProcoreClient pagination', () => {
  beforeAll(async () => {
    f = await startProcoreFixture({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 10_000, resources: ['vendors'] } });
  });
  afterEach(() => undefined);
  afterAll(async () => {
    await f.close();
  });

  it('pages 10,000 records in ceil(10000 / maxPerPage) list requests, one page at a time', async () => {
    const vendors = getResource('vendors');
    const listCalls = () => f.sim.countRequests((r) => r.path === '/api/rest/v1.0/vendors');
    const seen = new Set<number>();
    const pages: number[] = [];
    for await (const page of f.client.pages<{ id: number }>({ ...buildListRequest(vendors, { companyId: f.companyId }), perPage: vendors.maxPerPage })) {
      // The next page is only requested after this one was consumed.
      expect(listCalls()).toBe(page.page);
      pages.push(page.page);
      expect(page.total).toBe(10_000);
      expect(page.perPage).toBe(1000);
      for (const item of page.items) seen.add(item.id);
    }
    expect(seen.size).toBe(10_000);
    expect(pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(listCalls()).toBe(Math.ceil(10_000 / vendors.maxPerPage));
  });
});
