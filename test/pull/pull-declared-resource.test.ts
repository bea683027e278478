// Resources no connector code knows, declared as the stage config declares them (the functions get
// them in DECLARED_RESOURCES, as the stack's bundled resources.json), pulled by the real planner and
// worker handlers from the simulator, which serves them from Procore's operations file
// (simulator/generic-resources.ts): an incremental one (hazards) and a content-hash one (work
// classifications: its list has no updated_at filter).
import { addGenericResource } from '../../simulator';
import { HAZARDS, WORK_CLASSIFICATIONS } from '../support/declared-resources';
import { startPullHarness, type PullHarness } from './support/pull-harness';
import { simClockRunner, type SimClockRunner } from './support/sim-clock-runner';

const HOUR = 3600_000;
let h: PullHarness;

beforeAll(async () => {
  addGenericResource({ name: 'hazards', collection: HAZARDS.paths.list, wrapperKey: 'hazard' });
  addGenericResource({ name: 'work_classifications', collection: WORK_CLASSIFICATIONS.paths.list, wrapperKey: 'work_classification' });
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 6, resources: ['hazards', 'work_classifications'] } },
    sync: () => ({ companies: 'all', resources: ['hazards', 'work_classifications'] }),
    env: {
      DECLARED_RESOURCES: JSON.stringify([
        { name: 'hazards', ...HAZARDS },
        { name: 'work_classifications', ...WORK_CLASSIFICATIONS },
      ]),
    },
  });
}, 60_000);

afterAll(async () => h?.close());

/** The real handlers first (they install the declared resources at cold start), then the same cores on the simulator's clock. */
async function pullOnce(onSimClock?: SimClockRunner) {
  const records = await h.collectRecords(async () => {
    if (onSimClock) {
      await onSimClock.plan();
      await onSimClock.drain();
    } else {
      await h.plan();
      await h.drainJobs();
    }
  });
  return records.map((r) => r.envelope);
}

it('pulls a declared incremental resource and a declared content-hash one like built-in ones', async () => {
  const first = await pullOnce();
  const ids = (resource: string) => h.sim.store.list(resource, { companyId: h.companyId }).map((r) => r.id);
  expect(
    first
      .filter((e) => e.resource === 'hazards')
      .map((e) => e.id)
      .sort(),
  ).toEqual(ids('hazards').sort());
  expect(
    first
      .filter((e) => e.resource === 'work_classifications')
      .map((e) => e.id)
      .sort(),
  ).toEqual(ids('work_classifications').sort());
  expect(first.every((e) => e.lifecycle === 'active' && e.companyId === h.companyId && e.projectId === null)).toBe(true);

  // An hour later: one hazard edited; one work classification edited, one deleted. The content-hash
  // list rests until its fullListingMinutes (360) have passed since its last full listing.
  h.sim.clock.advance(HOUR);
  const [hazard] = ids('hazards');
  const [edited, deleted] = ids('work_classifications');
  h.sim.store.update('hazards', hazard!, { name: 'Fall from height' });
  h.sim.store.update('work_classifications', edited!, { name: 'Journeyman' });
  h.sim.store.softDelete('work_classifications', deleted!);
  // Past the incremental window's overlap (5 minutes), so the next-but-one pull does not read the edit again.
  h.sim.clock.advance(10 * 60_000);
  const runner = await simClockRunner(h, { companies: 'all', discoveryCompanyId: h.companyId, resources: ['hazards', 'work_classifications'] });
  const second = await pullOnce(runner);
  expect(runner.metrics.get('ScopesBackingOff')).toBe(0);
  expect(second.map((e) => `${e.resource} ${e.id}`)).toEqual([`hazards ${hazard}`]);

  h.sim.clock.advance(6 * HOUR);
  const third = await pullOnce(runner);
  expect(third.map((e) => `${e.resource} ${e.id} ${e.lifecycle}`).sort()).toEqual(
    [`work_classifications ${edited} active`, `work_classifications ${deleted} deleted`].sort(),
  );
  expect(third.find((e) => e.id === edited)?.data).toMatchObject({ name: 'Journeyman' });
}, 120_000);
