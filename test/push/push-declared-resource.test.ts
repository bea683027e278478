// A resource no connector code knows, declared as the stage config declares it (the push function
// gets it in DECLARED_RESOURCES, as the stack's bundled resources.json), written through the REAL
// push handler to the simulator, which serves it from Procore's operations file: create, update,
// delete; an unknown resource is still refused naming the known ones, declared ones included.
import { addGenericResource } from '../../simulator';
import { HAZARDS } from '../support/declared-resources';
import { appliedIds, startPushHarness, type PushHarness } from './support/push-harness';

let h: PushHarness;

beforeAll(async () => {
  addGenericResource({ name: 'hazards', collection: HAZARDS.paths.list, wrapperKey: 'hazard', required: ['name'] });
  h = await startPushHarness({ env: { DECLARED_RESOURCES: JSON.stringify([{ name: 'hazards', ...HAZARDS }]) } });
}, 60_000);

afterAll(async () => h?.close());

const message = (id: string, fields: Record<string, unknown>) => ({ version: 1, id, companyId: h.companyId, resource: 'hazards', ...fields });

it('creates, updates and deletes records of a declared resource; refuses what Procore refuses', async () => {
  await h.send([message('hz-create', { operation: 'create', data: { name: 'Falling objects' } })]);
  await h.play({ batchSize: 10 });
  const created = h.sim.store.list('hazards', { companyId: h.companyId }).find((r) => r.name === 'Falling objects');
  expect(created).toBeDefined();

  await h.send([
    message('hz-update', { operation: 'update', procoreId: created!.id, data: { name: 'Falling objects from scaffolds' } }),
    message('hz-invalid', { operation: 'create', data: { name: '' } }),
    message('hz-unknown', { resource: 'timesheets', operation: 'create', data: { name: 'x' } }),
  ]);
  await h.play({ batchSize: 10 });
  expect(h.sim.store.get('hazards', created!.id)?.name).toBe('Falling objects from scaffolds');

  await h.send([message('hz-delete', { operation: 'delete', procoreId: created!.id })]);
  await h.play({ batchSize: 10 });
  expect(h.sim.store.list('hazards', { companyId: h.companyId }).map((r) => r.id)).not.toContain(created!.id);

  const results = await h.results();
  expect(appliedIds(results)).toEqual(['hz-create', 'hz-delete', 'hz-update']);
  const dead = await h.deadLetters();
  const reasons = Object.fromEntries(dead.map((d) => [JSON.parse(d.body).id, `${d.reason.errorClass}: ${d.reason.message}`]));
  expect(reasons['hz-invalid']).toMatch(/name/);
  expect(reasons['hz-unknown']).toMatch(/unknown resource "timesheets"; known: .*work_order_contracts, .*hazards/);
}, 60_000);
