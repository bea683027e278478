// Content-hash change detection at size: a declared company list without an updated_at filter
// (work classifications) holding 10,000 records. The first full listing delivers them all and keeps
// one hash per record; after 1 % of them change and one is deleted in Procore, the next full
// listing delivers exactly the 100 changed records and the deleted one as a removal, and writes
// only those hashes (BatchWriteItem, 25 per call).
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../chaos/aws-fault-proxy';
import { readContentHashes } from '../../functions/pull/state/content-hashes';
import { addGenericResource } from '../../simulator';
import { WORK_CLASSIFICATIONS } from '../support/declared-resources';
import { startPullHarness, type PullHarness } from './support/pull-harness';
import { simClockRunner, type SimClockRunner } from './support/sim-clock-runner';

const RECORDS = 10_000;
const HOUR = 3600_000;
let h: PullHarness;
let runner: SimClockRunner;
const scope = () => ({ companyId: h.companyId, projectId: null, resource: 'work_classifications' });

/** BatchWriteItem calls and the items they carried, while `work` runs. */
async function countingBatchWrites<T>(work: () => Promise<T>): Promise<{ result: T; calls: number; items: number }> {
  const send = h.table.db.send.bind(h.table.db);
  let calls = 0;
  let items = 0;
  const spy = jest.spyOn(h.table.db, 'send').mockImplementation(((command: unknown) => {
    if (command instanceof BatchWriteCommand) {
      calls += 1;
      items += Object.values(command.input.RequestItems ?? {}).reduce((n, requests) => n + requests.length, 0);
    }
    return send(command as never);
  }) as never);
  try {
    return { result: await work(), calls, items };
  } finally {
    spy.mockRestore();
  }
}

/** Records queue sends taken in place by the AWS proxy while set (10,000 envelopes through moto would take a minute). */
let sinkRecords = false;
let proxy: AwsFaultProxy;

/** Runs `work` with the records queue's SendMessageBatch answered in place: counts the entries. */
async function countingDeliveries<T>(work: () => Promise<T>): Promise<{ result: T; entries: number }> {
  const before = proxy.calls().length;
  sinkRecords = true;
  try {
    const result = await work();
    const sunk = proxy
      .calls()
      .slice(before)
      .filter(({ fault }) => fault === 'accept-batch');
    return { result, entries: sunk.reduce((n, { call }) => n + ((call.body?.Entries ?? []) as unknown[]).length, 0) };
  } finally {
    sinkRecords = false;
  }
}

beforeAll(async () => {
  proxy = await startAwsFaultProxy({
    target: process.env.AWS_ENDPOINT_URL!,
    decide: ({ operation, body }) =>
      sinkRecords && operation === 'SendMessageBatch' && body?.QueueUrl === h.queues.records ? { kind: 'accept-batch' } : undefined,
  });
  // Every SQS call of this file goes through the proxy (which forwards all but the sunk sends to moto).
  process.env.AWS_ENDPOINT_URL_SQS = proxy.url;
  addGenericResource({ name: 'work_classifications', collection: WORK_CLASSIFICATIONS.paths.list, wrapperKey: 'work_classification' });
  h = await startPullHarness({
    // A budget the pacer need not spread (it paces by the remaining budget until the reset).
    simulator: {
      maxPerPage: 1000,
      rateLimit: { hourly: 1_000_000, spike: 100_000 },
      data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 0, resources: ['work_classifications'] },
    },
    sync: () => ({ companies: 'all', resources: ['work_classifications'] }),
    env: { DECLARED_RESOURCES: JSON.stringify([{ name: 'work_classifications', ...WORK_CLASSIFICATIONS }]) },
  });
  // The registry learns the declaration as the handlers do at cold start.
  const { installDeclaredResources } = await import('../../functions/commons/resources/declared-resources');
  installDeclaredResources(process.env);
  for (let i = 1; i <= RECORDS; i++) h.sim.store.insert('work_classifications', { companyId: h.companyId }, { name: `Class ${i}`, rate: i % 50 });
  runner = await simClockRunner(h, { companies: 'all', discoveryCompanyId: h.companyId, resources: ['work_classifications'] });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await proxy?.close();
  delete process.env.AWS_ENDPOINT_URL_SQS;
});

it('delivers exactly the changed records of a 10,000-record list, and the removed one, writing only their hashes', async () => {
  const first = await countingDeliveries(() =>
    countingBatchWrites(async () => {
      await runner.plan();
      return runner.drain();
    }),
  );
  expect(first.result.result.map((r) => r.outcome)).toEqual(['completed']);
  expect(first.entries).toBe(RECORDS);
  expect(first.result.items).toBe(RECORDS);
  expect(first.result.calls).toBe(RECORDS / 25);
  expect((await readContentHashes(h.table, scope())).size).toBe(RECORDS);

  h.sim.clock.advance(WORK_CLASSIFICATIONS.fullListingMinutes * 60_000 + HOUR);
  const ids = h.sim.store.list('work_classifications', { companyId: h.companyId }).map((r) => r.id);
  const changed = ids.filter((_, i) => i % 100 === 7); // 1 %
  for (const id of changed) h.sim.store.update('work_classifications', id, { rate: 99 });
  const removed = ids[5]!;
  h.sim.store.softDelete('work_classifications', removed);

  const second = await countingBatchWrites(() =>
    h.collectRecords(async () => {
      await runner.plan();
      await runner.drain();
    }),
  );
  const envelopes = second.result.map((r) => r.envelope);
  expect(
    envelopes
      .filter((e) => e.lifecycle === 'active')
      .map((e) => e.id)
      .sort(),
  ).toEqual([...changed].sort());
  expect(envelopes.filter((e) => e.lifecycle !== 'active').map((e) => [e.id, e.lifecycle, e.data])).toEqual([[removed, 'deleted', { id: removed }]]);
  expect(changed).toHaveLength(RECORDS / 100);
  // 100 changed hashes put and 1 deleted: 101 items; a call per page of 1,000 that had changes (10 each), and one for the removal.
  expect(second.items).toBe(changed.length + 1);
  expect(second.calls).toBe(RECORDS / 1000 + 1);
  expect((await readContentHashes(h.table, scope())).size).toBe(RECORDS - 1);

  // Nothing changed: the next listing delivers nothing and writes nothing.
  h.sim.clock.advance(WORK_CLASSIFICATIONS.fullListingMinutes * 60_000 + HOUR);
  const third = await countingBatchWrites(() =>
    h.collectRecords(async () => {
      await runner.plan();
      await runner.drain();
    }),
  );
  expect(third.result).toEqual([]);
  expect(third.calls).toBe(0);
}, 300_000);
