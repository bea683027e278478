// A project whose id is beyond 2^53 in Procore's project list (issue 13, rule 4): the real planner
// leaves it out (a JS number would round it into another project's id) and the company's other
// project syncs as usual; no request names a rounded id.
import type { PlanResult } from '../../functions/pull/plan-sync';
import { startPullHarness, type PullHarness } from './support/pull-harness';

const BIG = '9007199254740993123';

jest.setTimeout(60_000);

let h: PullHarness;

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 3, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  });
});

afterAll(async () => {
  await h?.close();
});

it('plans and syncs the other project while the one whose id is beyond 2^53 is refused', async () => {
  const [huge, other] = h.sim.store.projects(h.companyId).filter((p) => p.permitted);
  h.sim.store.setRendering('projects', huge!.id, (project) => ({ ...project, id: JSON.rawJSON(BIG) }));

  let plan: PlanResult | undefined;
  const received = await h.collectRecords(async () => {
    plan = (await h.plan()) as PlanResult;
    await h.drainJobs();
  });

  expect(plan).toMatchObject({ scopes: 1, enqueued: 1, failures: [] });
  expect(new Set(received.map((r) => r.envelope.projectId))).toEqual(new Set([other!.id]));
  expect(received).toHaveLength(3);
  // Nothing asked about the refused project under any id, rounded or not.
  const rounded = String(Number(BIG));
  const named = h.sim.requests().filter((r) => [BIG, rounded, String(huge!.id)].some((id) => r.path.includes(id) || Object.values(r.query).includes(id)));
  expect(named).toEqual([]);
});
