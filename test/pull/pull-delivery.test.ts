// What the records queue receives beyond plain records: deletions, records too large for one
// message, full resyncs; and what a rate-limited job does (comes back later, moves nothing).
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { lambdaContext } from '../../local/lambda-context';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { startFullResync } from '../../functions/pull/full-resync';
import { eventTime, startPullHarness, type PullHarness } from './support/pull-harness';

jest.setTimeout(60_000);

let h: PullHarness;
let projectId: number;
const scope = () => ({ companyId: h.companyId, projectId, resource: 'rfis' as const });
const rfis = () => h.sim.store.list('rfis', { companyId: h.companyId, projectId }, { includeDeleted: true });

beforeAll(async () => {
  h = await startPullHarness({
    simulator: { data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 10, resources: ['projects', 'rfis'] } },
    sync: () => ({ companies: 'all', resources: ['rfis'] }),
  });
  projectId = h.sim.store.projects(h.companyId)[0]!.id;
  await h.collectRecords(async () => {
    await h.plan();
    await h.drainJobs();
  });
});

afterAll(async () => {
  await h?.close();
});

describe('pull: deletions, oversized records, full resync, rate limits', () => {
  it('delivers an RFI moved to the recycle bin in Procore as recycled (deleted: true)', async () => {
    h.sim.clock.advance(600_000);
    const victim = rfis()[3]!;
    h.sim.store.recycle('rfis', victim.id);
    h.sim.clock.advance(60_000);
    const received = await h.collectRecords(async () => {
      await h.plan();
      await h.drainJobs();
    });
    expect(received.map((r) => [r.envelope.id, r.envelope.lifecycle, r.envelope.deleted])).toEqual([[victim.id, 'recycled', true]]);
    expect(received[0]!.envelope.data).toMatchObject({ id: victim.id, subject: victim.subject });
  });

  it('delivers a record too large for one SQS message as a truncated envelope, and counts it', async () => {
    h.sim.clock.advance(600_000);
    const big = h.sim.store.insert('rfis', { companyId: h.companyId, projectId }, {
      subject: 'Huge attachment list',
      question: { body: 'x'.repeat(300 * 1024) },
    });
    h.sim.clock.advance(60_000);
    const cursor = (await readCursor(h.table, scope()))!.cursor;
    const received = await h.collectRecords(async () => {
      await h.plan();
      await h.drainJobs();
    });
    const truncated = received.filter((r) => r.envelope.id === big.id);
    const others = received.filter((r) => r.envelope.id !== big.id);
    expect(truncated).toHaveLength(1);
    expect(truncated[0]!.envelope).toMatchObject({ id: big.id, updatedAt: big.updated_at, truncated: true, data: null });
    // Anything else is the overlap: the 5 minutes before the cursor read again.
    for (const other of others) expect(Date.parse(other.envelope.updatedAt)).toBeGreaterThanOrEqual(Date.parse(cursor) - 5 * 60_000);
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({
      lastPull: expect.objectContaining({ records: received.length, truncated: 1 }),
    });
  });

  it('re-delivers every record of a scope on a full resync and then moves the cursor', async () => {
    h.sim.clock.advance(600_000);
    const { enqueued, busy } = await startFullResync(
      { sqs: h.sqs, table: h.table, syncJobsQueueUrl: h.queues.jobs, now: () => h.sim.clock.now() },
      [scope()],
    );
    expect([enqueued.length, busy.length]).toEqual([1, 0]);
    const received = await h.collectRecords(() => h.drainJobs());
    expect(new Set(received.map((r) => r.envelope.id))).toEqual(new Set(rfis().map((r) => r.id)));
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: enqueued[0]!.windowEnd });
  });

  it('returns a rate-limited job to the queue until Procore says to come back, moving nothing', async () => {
    h.sim.clock.advance(600_000);
    const before = await readCursor(h.table, scope());
    h.sim.setRateLimit({ spikeWindowSeconds: 900 });
    h.sim.setFaults({ rateLimitBurstRate: 1, only: (r) => r.path.endsWith('/rfis') });
    try {
      let invocation;
      const received = await h.collectRecords(async () => {
        await h.plan();
        // Two minutes left: not enough to wait out a 15-minute rate-limit window inside the call.
        invocation = await h.invokeWorker({
          context: () => lambdaContext({ timeoutMs: 120_000, functionName: 'worker' }),
          visibilityTimeout: 1,
        });
      });
      // Past the 1-second visibility it was received with: the worker pushed it out to the reset.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(invocation).toEqual({ jobs: 1, failures: 1 });
      expect(received).toEqual([]);
      const { Attributes } = await h.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: h.queues.jobs, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
      await expect(readCursor(h.table, scope())).resolves.toEqual(before);
      const state = await listSyncState(h.table, h.companyId);
      expect(state.filter((item) => item.kind === 'lease')).toHaveLength(1);
      expect(state.filter((item) => item.kind === 'failure')).toEqual([]);
    } finally {
      h.sim.setFaults(undefined);
    }
  });
});
