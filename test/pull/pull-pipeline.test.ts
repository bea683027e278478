// First and incremental pulls end to end: real planner and worker handlers, the Procore simulator
// over HTTP, moto SQS and DynamoDB.
import { readCursor } from '../../functions/pull/state/cursor';
import { RecordEnvelopeSchema } from '../../functions/commons/contracts/record-envelope';
import { getResource } from '../../functions/commons/resources/registry';
import { eventTime, startPullHarness, type PullHarness, type ReceivedRecord } from './support/pull-harness';

const RESOURCES = ['rfis', 'submittals', 'observations'] as const;
const PROJECTS = 3;
// The full-size scenario by default: 3 projects x 3 resources x 2,000 records (18,000 envelopes
// through moto SQS, about a minute and a half). PULL_RECORDS_PER_SCOPE=50 PULL_SIM_MAX_PER_PAGE=20
// keeps the shape (several pages per scope) for a quick run while working on the pull path.
const RECORDS_PER_SCOPE = Number(process.env.PULL_RECORDS_PER_SCOPE ?? 2000);
const SIM_MAX_PER_PAGE = Number(process.env.PULL_SIM_MAX_PER_PAGE ?? 1000);

jest.setTimeout(600_000);

let h: PullHarness;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: {
      maxPerPage: SIM_MAX_PER_PAGE,
      data: { companies: 1, projectsPerCompany: PROJECTS, recordsPerResource: RECORDS_PER_SCOPE, resources: ['projects', ...RESOURCES] },
    },
    sync: () => ({ companies: 'all', resources: [...RESOURCES] }),
  });
});

afterAll(async () => {
  await h?.close();
});

function key(r: ReceivedRecord): string {
  return `${r.envelope.resource}:${r.envelope.id}`;
}

function expectedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const project of h.sim.store.projects(h.companyId)) {
    for (const resource of RESOURCES) {
      for (const record of h.sim.store.list(resource, { companyId: h.companyId, projectId: project.id })) keys.add(`${resource}:${record.id}`);
    }
  }
  return keys;
}

describe('pull: first and incremental sync', () => {
  let firstWindowEnd: string;

  it('delivers every record of 3 projects x 3 resources once, within the request budget', async () => {
    h.sim.clearRequests();
    firstWindowEnd = eventTime(h.sim.clock.now());
    let plan: unknown;
    const received = await h.collectRecords(async () => {
      plan = await h.plan(firstWindowEnd);
      await h.drainJobs();
    });
    expect(plan).toMatchObject({ scopes: PROJECTS * RESOURCES.length, enqueued: PROJECTS * RESOURCES.length });

    const expected = expectedKeys();
    expect(expected.size).toBe(PROJECTS * RESOURCES.length * RECORDS_PER_SCOPE);
    expect(received).toHaveLength(expected.size);
    expect(new Set(received.map(key))).toEqual(expected);

    // Envelopes honour the published contract, with routing attributes that match.
    const sample = received.slice(0, 50);
    for (const r of sample) {
      expect(RecordEnvelopeSchema.safeParse(r.envelope).success).toBe(true);
      expect(r.envelope).toMatchObject({ version: 3, source: 'procore', environment: 'custom', companyId: h.companyId, lifecycle: 'active', deleted: false });
      expect(r.envelope.idText).toBe(String(r.envelope.id));
      expect(r.attributes).toEqual({
        resource: r.envelope.resource,
        companyId: String(h.companyId),
        projectId: String(r.envelope.projectId),
        envelopeVersion: '3',
        lifecycle: 'active',
      });
      expect((r.envelope.data as { id?: number } | null)?.id).toBe(r.envelope.id);
    }

    // Procore requests: per scope, the window's first read (it does not fit), then one read per slice of
    // about 70 % of a page (functions/pull/window-walk.ts) and one more where a slice's estimate was
    // off, and one read of its recycle bin (nothing recycled: one page); plus discovery (companies, projects).
    const api = h.sim.requests().filter((r) => r.path.startsWith('/api/'));
    const recycleBins = api.filter((r) => /recycle_bin/.test(r.path));
    const listCalls = api.filter((r) => !/\/rest\/v1\.0\/(companies|projects)$/.test(r.path) && !/recycle_bin/.test(r.path));
    const perPage = Math.min(SIM_MAX_PER_PAGE, ...RESOURCES.map((name) => getResource(name).maxPerPage));
    const perScope = Math.ceil(RECORDS_PER_SCOPE / (0.7 * perPage)) + 2;
    expect(recycleBins).toHaveLength(PROJECTS * RESOURCES.length);
    expect(listCalls.length).toBeLessThanOrEqual(PROJECTS * RESOURCES.length * perScope);
    expect(api.length).toBeLessThanOrEqual(PROJECTS * RESOURCES.length * (perScope + 1) + 2);

    // Every scope's cursor is the run's time.
    const project = h.sim.store.projects(h.companyId)[0]!;
    await expect(readCursor(h.table, { companyId: h.companyId, projectId: project.id, resource: 'rfis' })).resolves.toMatchObject({
      cursor: firstWindowEnd,
    });
  });

  it('delivers only the 50 changed records (plus the overlap) on the next pull', async () => {
    h.sim.clock.advance(3600_000);
    const projects = h.sim.store.projects(h.companyId);
    const touched = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const resource = RESOURCES[i % RESOURCES.length]!;
      const project = projects[i % projects.length]!;
      const rows = h.sim.store.list(resource, { companyId: h.companyId, projectId: project.id });
      const record = rows[(i * 37) % rows.length]!;
      if (touched.has(`${resource}:${record.id}`)) continue;
      h.sim.store.touch(resource, [record.id]);
      touched.add(`${resource}:${record.id}`);
    }
    expect(touched.size).toBe(50);
    // The overlap re-reads 5 minutes before the cursor: those records may come again, nothing else.
    const overlapStart = Date.parse(firstWindowEnd) - 5 * 60_000;
    const inOverlap = new Set<string>();
    for (const project of projects) {
      for (const resource of RESOURCES) {
        for (const r of h.sim.store.list(resource, { companyId: h.companyId, projectId: project.id })) {
          const t = Date.parse(r.updated_at);
          if (t >= overlapStart && t <= Date.parse(firstWindowEnd)) inOverlap.add(`${resource}:${r.id}`);
        }
      }
    }

    const received = await h.collectRecords(async () => {
      await h.plan();
      await h.drainJobs();
    });
    const keys = received.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set([...touched, ...inOverlap]));
  });
});
