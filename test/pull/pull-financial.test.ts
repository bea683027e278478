// The financial resources are pulled as Procore declares their lists: every record once, in every
// scope; lists served under a parent record once per parent (change order requests per prime
// contract, budget view detail rows per budget view), resuming in the parent they stopped in; the
// unpaged commitment change order list in one request; incremental lists deliver only what changed,
// lists without filters[updated_at] are read whole or content-hashed; deletions ride on
// filters[include_deleted]. Sub-job cost codes are listed per sub job, standard cost codes per standard
// cost code list (company level); budget line items are push-only (read as budget view detail rows).
// PULL_RECORDS_PER_SCOPE / PULL_SIM_MAX_PER_PAGE size the data and the simulator's page cap.
import type { Context } from 'aws-lambda';
import { getResource } from '../../functions/commons/resources/registry';
import { FINANCIAL_RESOURCE_NAMES, type FinancialResourceName } from '../../functions/commons/resources/names';
import { FINANCIAL_SIM_NAMES } from '../../simulator/financial-resources';
import { lambdaContext } from '../../local/lambda-context';
import { startPullHarness, type PullHarness, type ReceivedRecord } from './support/pull-harness';

const RECORDS = Number(process.env.PULL_RECORDS_PER_SCOPE ?? 30);
const PER_PAGE = Number(process.env.PULL_SIM_MAX_PER_PAGE ?? 20);

jest.setTimeout(300_000);

let h: PullHarness;
let first: ReceivedRecord[];

beforeAll(async () => {
  h = await startPullHarness({
    simulator: {
      maxPerPage: PER_PAGE,
      data: { companies: 1, projectsPerCompany: 2, recordsPerResource: RECORDS, resources: ['projects', 'company_users', ...FINANCIAL_SIM_NAMES] },
    },
    // No overlap: a seeded record updated in the minutes before the first cursor would be delivered
    // again by the next window, and the tests count exactly what each pull delivers.
    sync: () => ({ companies: 'all', resources: [...PULLED], overlapMinutes: 0 }),
  });
  first = await pull();
});

afterAll(async () => {
  await h?.close();
});

function pull(context?: () => Context): Promise<ReceivedRecord[]> {
  return h.collectRecords(async () => {
    await h.plan();
    await h.drainJobs({ lanes: 1, ...(context ? { context } : {}) });
  });
}

/** The pulled ones: budget line items have no list (push-only). */
const PULLED = FINANCIAL_RESOURCE_NAMES.filter((name) => getResource(name).paths.list);

/** Where the simulator keeps a resource's records: a sub job's cost codes are cost codes with its sub_job_id. */
const simName = (resource: string) => (resource === 'sub_job_cost_codes' ? 'cost_codes' : resource);

/** Every live record of the resource in the company (all its projects); cost codes split by biller (project or sub job). */
const live = (resource: string) => {
  const records = h.sim.store.list(simName(resource), { companyId: h.companyId });
  if (resource === 'cost_codes') return records.filter((r) => r.sub_job_id === null);
  if (resource === 'sub_job_cost_codes') return records.filter((r) => r.sub_job_id !== null);
  return records;
};
const idsOf = (received: ReceivedRecord[], resource: FinancialResourceName) =>
  received.filter((r) => r.envelope.resource === resource).map((r) => r.envelope.id!);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const INCREMENTAL = PULLED.filter((name) => getResource(name).incremental);
const FULL_LISTING = PULLED.filter((name) => !getResource(name).incremental && getResource(name).changeDetection !== 'content-hash');
const CONTENT_HASH = PULLED.filter((name) => getResource(name).changeDetection === 'content-hash');

describe('pull: financial resources', () => {
  it.each(PULLED.map((name) => [name] as const))('%s: every record of every scope, once', (name) => {
    const ids = idsOf(first, name);
    expect(ids.length).toBeGreaterThan(0);
    expect(sorted(ids)).toEqual(sorted(live(name).map((r) => r.id)));
  });

  it('sends only declared requests: one unpaged commitment change order list, lists per parent', () => {
    const requests = h.sim.requests();
    expect(requests.filter((r) => r.refusal).map((r) => `${r.method} ${r.path}: ${r.refusal!.reason}`)).toEqual([]);
    const cco = requests.filter((r) => r.path.endsWith('/commitment_change_orders'));
    expect(cco).toHaveLength(2);
    expect(cco.every((r) => r.query.page === undefined && r.query.per_page === undefined)).toBe(true);
    // Change order requests: once per prime contract, named by contract_id.
    const contracts = live('prime_contracts').map((c) => String(c.id));
    const cors = requests.filter((r) => r.path.endsWith('/change_order_requests'));
    expect(new Set(cors.map((r) => r.query.contract_id))).toEqual(new Set(contracts));
    // Detail rows: once per budget view, the view in the path.
    const views = live('budget_views').map((v) => v.id);
    const rows = requests.filter((r) => r.path.endsWith('/detail_rows'));
    expect(new Set(rows.map((r) => Number(r.path.split('/').at(-2))))).toEqual(new Set(views));
    // Cost codes: the project's own without sub_job_id, then once per sub job with its sub_job_id.
    const codeLists = requests.filter((r) => r.path === '/api/rest/v1.0/cost_codes');
    expect(new Set(codeLists.map((r) => r.query.sub_job_id))).toEqual(new Set([undefined, ...live('sub_jobs').map((j) => String(j.id))]));
    // Standard cost codes: once per standard cost code list of the company, in the extended view (the default holds ids only).
    const standard = requests.filter((r) => r.path === '/api/rest/v1.0/standard_cost_codes');
    expect(new Set(standard.map((r) => r.query.standard_cost_code_list_id))).toEqual(new Set(live('standard_cost_code_lists').map((l) => String(l.id))));
    expect(standard.every((r) => r.query.view === 'extended' && r.query.company_id === String(h.companyId))).toBe(true);
    expect(
      first.filter((r) => r.envelope.resource === 'standard_cost_codes').every((r) => typeof (r.envelope.data as { code?: unknown }).code === 'string'),
    ).toBe(true);
    // Records of a change order request name the contract they were listed under.
    const delivered = first.filter((r) => r.envelope.resource === 'change_order_requests');
    expect(delivered.every((r) => contracts.includes(String((r.envelope.data as { contract_id: number }).contract_id)))).toBe(true);
  });

  it('delivers only the changed records of incremental lists; lists without filters[updated_at] are read whole', async () => {
    h.sim.clock.advance(10 * 60_000);
    const touched = Object.fromEntries(INCREMENTAL.map((name) => [name, live(name)[1]!.id]));
    for (const name of INCREMENTAL) h.sim.store.touch(name, [touched[name]!]);
    h.sim.clock.advance(10 * 60_000);
    const received = await pull();
    for (const name of INCREMENTAL) expect([name, idsOf(received, name)]).toEqual([name, [touched[name]]]);
    // Read whole on every pull (budget view detail rows).
    for (const name of FULL_LISTING) expect([name, sorted(idsOf(received, name))]).toEqual([name, sorted(live(name).map((r) => r.id))]);
    // Content-hash lists wait for their daily full listing.
    for (const name of CONTENT_HASH) expect([name, idsOf(received, name)]).toEqual([name, []]);
  });

  it('lists without filters[updated_at] that are content-hashed deliver only the records whose content changed, once a day', async () => {
    expect(CONTENT_HASH).toEqual(['commitment_change_orders', 'cost_codes', 'sub_job_cost_codes', 'standard_cost_codes', 'sub_jobs']);
    const changed = Object.fromEntries(CONTENT_HASH.map((name) => [name, live(name)[0]!.id]));
    for (const name of CONTENT_HASH) h.sim.store.update(simName(name), changed[name]!, { description: `changed ${name}` });
    h.sim.clock.advance(25 * 60 * 60_000);
    const received = await pull();
    for (const name of CONTENT_HASH) expect([name, idsOf(received, name)]).toEqual([name, [changed[name]]]);
  });

  it('delivers a record deleted in Procore as deleted where the list declares filters[include_deleted]', async () => {
    const withDeleted = PULLED.filter((name) => getResource(name).deleted === 'filters[include_deleted]');
    expect(withDeleted).toEqual(['purchase_order_contracts', 'potential_change_orders', 'change_events']);
    h.sim.clock.advance(10 * 60_000);
    const victims = Object.fromEntries(withDeleted.map((name) => [name, live(name)[0]!.id]));
    for (const name of withDeleted) h.sim.store.deleteRecord(name, victims[name]!);
    h.sim.clock.advance(10 * 60_000);
    const received = await pull();
    for (const name of withDeleted) {
      const got = received.filter((r) => r.envelope.resource === name);
      expect([name, got.map((r) => [r.envelope.id, r.envelope.deleted])]).toEqual([name, [[victims[name], true]]]);
    }
  });

  it('hands over between parents and resumes in the next one, reading no budget view twice', async () => {
    h.sim.clock.advance(10 * 60_000);
    const rowLists = () => h.sim.requests().filter((r) => r.path.endsWith('/detail_rows'));
    const before = rowLists().length;
    // Short of time after one detail row list call per invocation: the rest goes to continuations.
    const context = () => {
      const start = rowLists().length;
      const ctx = lambdaContext({ timeoutMs: 600_000, functionName: 'worker' });
      ctx.getRemainingTimeInMillis = () => (rowLists().length - start >= 1 ? 1_000 : 600_000);
      return ctx;
    };
    const received = await pull(context);
    expect(sorted(idsOf(received, 'budget_view_detail_rows'))).toEqual(sorted(live('budget_view_detail_rows').map((r) => r.id)));
    const read = rowLists()
      .slice(before)
      .map((r) => `${r.path} page ${r.query.page}`);
    // Each page of each view's list read once: a continuation goes on in the view (and page) it stopped in.
    expect(read.length).toBe(new Set(read).size);
    expect(new Set(read.map((r) => r.split(' ')[0])).size).toBe(live('budget_views').length);
  });
});
