// Pushing the financial resources to Procore (the simulator, which refuses what the operations file
// does not declare): create, update and delete where Procore declares them, batch upserts through
// the resource's /sync where declared, ids Procore wants beside the wrapper (contract_id,
// commitment_id, a timecard entry's project_id, a sub job's or standard list's id) taken from the
// data, budget line items synced by Procore id through their POST sync, and read-only budget view
// detail rows refused for good.
import { getResource } from '../../functions/commons/resources/registry';
import type { FinancialResourceName } from '../../functions/commons/resources/names';
import { bodyOf, startPushHarness, type PushHarness } from './support/push-harness';

jest.setTimeout(120_000);

let h: PushHarness;

beforeAll(async () => {
  h = await startPushHarness({ simulator: { now: Date.now(), data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 2 } } });
});

afterAll(async () => {
  await h?.close();
});

interface Case {
  resource: FinancialResourceName;
  /** A valid record's data (ids of related records looked up in the simulator). */
  data: () => Record<string, unknown>;
  /** A field the update changes, with its new value. */
  change: Record<string, unknown>;
  /** Where the simulator keeps the records, when not under the resource's name (sub-job cost codes are cost codes). */
  sim?: string;
}

const first = (resource: string) => h.sim.store.list(resource, { companyId: h.companyId })[0]!.id;

const CASES: Case[] = [
  { resource: 'purchase_order_contracts', data: () => ({ title: 'Rebar supply' }), change: { title: 'Rebar supply, rev 1' } },
  {
    resource: 'commitment_change_orders',
    data: () => ({ contract_id: first('purchase_order_contracts'), title: 'Added rebar' }),
    change: { title: 'Added rebar, rev 1' },
  },
  {
    resource: 'potential_change_orders',
    data: () => ({ contract_id: first('prime_contracts'), title: 'Owner upgrade' }),
    change: { title: 'Owner upgrade 2' },
  },
  {
    resource: 'change_order_requests',
    data: () => ({ contract_id: first('prime_contracts'), title: 'Steel escalation' }),
    change: { title: 'Steel escalation 2' },
  },
  { resource: 'change_events', data: () => ({ title: 'Unforeseen rock' }), change: { title: 'Unforeseen rock, west' } },
  { resource: 'prime_contracts', data: () => ({ title: 'Owner contract' }), change: { title: 'Owner contract, amended' } },
  { resource: 'direct_costs', data: () => ({ direct_cost_type: 'Invoice', direct_cost_date: '2026-03-01' }), change: { invoice_number: 'INV-77' } },
  {
    resource: 'requisitions',
    data: () => ({ commitment_id: first('purchase_order_contracts'), invoice_number: 'SUB-1' }),
    change: { invoice_number: 'SUB-2' },
  },
  { resource: 'cost_codes', data: () => ({ code: '099', name: 'Testing' }), change: { name: 'Testing and inspection' } },
  { resource: 'sub_jobs', data: () => ({ code: '09', name: 'Phase 9' }), change: { name: 'Phase 9 east' } },
  {
    resource: 'sub_job_cost_codes',
    data: () => ({ code: '098', name: 'Sub job testing', sub_job_id: first('sub_jobs') }),
    change: { name: 'Sub job testing, rev 1' },
    sim: 'cost_codes',
  },
  {
    resource: 'standard_cost_codes',
    data: () => ({ code: '097', name: 'Standard testing', standard_cost_code_list_id: first('standard_cost_code_lists') }),
    change: { name: 'Standard testing, rev 1' },
  },
  {
    resource: 'budget_line_items',
    data: () => ({ cost_code_id: first('cost_codes'), line_item_type_id: 2, original_budget_amount: '1000.00' }),
    change: { original_budget_amount: '1500.00' },
  },
  { resource: 'timecard_entries', data: () => ({ project_id: h.projectId, hours: '8', date: '2026-03-02' }), change: { hours: '7.5' } },
];

function message(resource: FinancialResourceName, id: string, fields: Record<string, unknown>) {
  const scope = getResource(resource).scope === 'project' ? { projectId: h.projectId } : {};
  return { version: 1, id, companyId: h.companyId, ...scope, resource, ...fields };
}

async function applied(id: string): Promise<number> {
  const result = (await h.results()).find((r) => r.id === id);
  expect(result).toMatchObject({ id, status: 'applied' });
  return (result as { procoreId: number }).procoreId;
}

describe('push: financial resources', () => {
  it.each(CASES.map((c) => [c.resource, c] as const))('%s: created, updated and deleted (where Procore declares it)', async (resource, c) => {
    const definition = getResource(resource);
    const originId = `FIN-${resource}`;
    const data = c.data();
    await h.send([message(resource, `${resource}-create`, { operation: 'create', originId, data })]);
    expect((await h.play()).failed).toEqual([]);
    const procoreId = await applied(`${resource}-create`);
    const sim = c.sim ?? resource;
    // Ids Procore takes beside the wrapper arrive as the record's own fields.
    expect(h.sim.store.get(sim, procoreId)).toMatchObject(data);

    await h.send([message(resource, `${resource}-update`, { operation: 'update', originId, data: c.change })]);
    expect((await h.play()).failed).toEqual([]);
    expect(await applied(`${resource}-update`)).toBe(procoreId);
    expect(h.sim.store.get(sim, procoreId)).toMatchObject(c.change);

    const del = message(resource, `${resource}-delete`, { operation: 'delete', originId });
    await h.send([del]);
    expect((await h.play()).failed).toEqual([]);
    if (definition.paths.delete) {
      await applied(`${resource}-delete`);
      expect(h.sim.store.list(sim, { companyId: h.companyId }).map((r) => r.id)).not.toContain(procoreId);
    } else {
      const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(del));
      expect(dead?.reason).toMatchObject({ errorClass: 'OperationNotSupported' });
    }
    expect(h.sim.requests().filter((r) => r.refusal)).toEqual([]);
  });

  // Syncs that address items by origin_id too (budget line items' addresses by Procore id only: below).
  const SYNCED = CASES.filter((c) => getResource(c.resource).paths.batchUpsert && getResource(c.resource).requests?.batchUpsert?.addressedBy !== 'id');

  it.each(SYNCED.map((c) => [c.resource, c] as const))('%s: a batch of upserts goes to Procore as one /sync call', async (resource, c) => {
    const definition = getResource(resource);
    const upserts = [1, 2, 3].map((i) =>
      message(resource, `${resource}-upsert-${i}`, { operation: 'upsert', originId: `FIN-SYNC-${resource}-${i}`, data: c.data() }),
    );
    h.sim.clearRequests();
    await h.send(upserts);
    const batch = await h.play({ batchSize: 10, timeoutMs: 10_000 });
    expect(batch.failed).toEqual([]);
    const writes = h.sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/rest/'));
    const syncPath = definition.paths.batchUpsert!.replace('{project_id}', String(h.projectId));
    expect(writes.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`${definition.requests?.batchUpsert?.method ?? 'PATCH'} /api${syncPath} 200`]);
    const ids: number[] = [];
    for (const upsert of upserts) ids.push(await applied(upsert.id));
    expect(new Set(ids).size).toBe(3);
  });

  it('budget line items: upserts that name their Procore id go as one POST /sync; one without goes as a plain create', async () => {
    const items = h.sim.store.list('budget_line_items', { companyId: h.companyId, projectId: h.projectId }).slice(0, 2);
    const upserts = items.map((item, i) =>
      message('budget_line_items', `lines-upsert-${i}`, { operation: 'upsert', procoreId: item.id, data: { original_budget_amount: `${2000 + i}.00` } }),
    );
    const fresh = message('budget_line_items', 'lines-upsert-new', {
      operation: 'upsert',
      originId: 'ERP-LINE-1',
      data: { cost_code_id: first('cost_codes'), line_item_type_id: 1, original_budget_amount: '10.00' },
    });
    h.sim.clearRequests();
    await h.send([...upserts, fresh]);
    expect((await h.play({ batchSize: 10, timeoutMs: 10_000 })).failed).toEqual([]);
    const writes = h.sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/rest/'));
    expect(writes.map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual([
      'POST /api/rest/v1.0/budget_line_items 201',
      'POST /api/rest/v1.0/budget_line_items/sync 200',
    ]);
    expect(writes.find((r) => r.path.endsWith('/sync'))!.body).toEqual({
      project_id: h.projectId,
      budget_line_items: items.map((item, i) => ({ id: item.id, original_budget_amount: `${2000 + i}.00` })),
    });
    for (const [i, item] of items.entries()) {
      expect(await applied(`lines-upsert-${i}`)).toBe(item.id);
      expect(h.sim.store.get('budget_line_items', item.id)).toMatchObject({ original_budget_amount: `${2000 + i}.00` });
    }
    expect(h.sim.store.get('budget_line_items', await applied('lines-upsert-new'))).toMatchObject({ original_budget_amount: '10.00' });
  });

  it('refuses writes to read-only budget view detail rows for good', async () => {
    const create = message('budget_view_detail_rows', 'rows-create', { operation: 'create', data: { original_budget_amount: 1 } });
    await h.send([create]);
    expect((await h.play()).failed).toEqual([]);
    const dead = (await h.deadLetters()).find((d) => d.body === bodyOf(create));
    expect(dead?.reason).toMatchObject({ errorClass: 'OperationNotSupported' });
    expect(dead?.reason.message).toContain('cannot create budget_view_detail_rows');
  });
});
