// What the records queue receives beyond plain records: records up to and beyond one message's
// 1 MiB (whole / by claim check, S3 in moto), full resyncs; and what a rate-limited job does (comes
// back later, moves nothing). Deleted records: pull-declared-lists.test.ts and the removals tests.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { lambdaContext } from '../../local/lambda-context';
import { readCursor } from '../../functions/pull/state/cursor';
import { listSyncState } from '../../functions/pull/state/status';
import { startSync } from '../../cli/sync/start-sync';
import { fetchClaimCheckedRecord } from '../../functions/pull/claim-check';
import { s3ObjectsFromEnvironment } from '../../functions/commons/aws/s3-objects';
import { startPullHarness, type PullHarness } from './support/pull-harness';

jest.setTimeout(60_000);

let h: PullHarness;
let projectId: number;
const scope = () => ({ companyId: h.companyId, projectId, resource: 'rfis' as const });
const rfis = () => h.sim.store.list('rfis', { companyId: h.companyId, projectId });

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

  it('delivers a 700 KiB record whole and a 5 MiB record through the claim check, and counts it', async () => {
    h.sim.clock.advance(600_000);
    const large = h.sim.store.insert(
      'rfis',
      { companyId: h.companyId, projectId },
      {
        subject: 'Long specification',
        question: { body: 'x'.repeat(700 * 1024) },
      },
    );
    const huge = h.sim.store.insert(
      'rfis',
      { companyId: h.companyId, projectId },
      {
        subject: 'Huge attachment list',
        question: { body: 'y'.repeat(5 * 1024 * 1024) },
      },
    );
    h.sim.clock.advance(60_000);
    const cursor = (await readCursor(h.table, scope()))!.cursor;
    const received = await h.collectRecords(async () => {
      await h.plan();
      await h.drainJobs();
    });
    const inProcore = (id: number) => rfis().find((r) => r.id === id);
    const whole = received.filter((r) => r.envelope.id === large.id);
    expect(whole).toHaveLength(1);
    expect(whole[0]!.envelope.claimCheck).toBeUndefined();
    expect(whole[0]!.envelope.data).toEqual(inProcore(large.id));

    const checked = received.filter((r) => r.envelope.id === huge.id);
    expect(checked).toHaveLength(1);
    expect(checked[0]!.envelope).toMatchObject({ id: huge.id, updatedAt: huge.updated_at, data: null, claimCheck: { bucket: h.claimCheckBucket } });
    await expect(fetchClaimCheckedRecord(s3ObjectsFromEnvironment(), checked[0]!.envelope.claimCheck!)).resolves.toEqual(inProcore(huge.id));

    // Anything else is the overlap: the 5 minutes before the cursor read again.
    const others = received.filter((r) => r.envelope.id !== large.id && r.envelope.id !== huge.id);
    for (const other of others) expect(Date.parse(other.envelope.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(cursor) - 5 * 60_000);
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({
      lastPull: expect.objectContaining({ records: received.length, claimChecked: 1 }),
    });
  });

  it('a claim check whose object does not match its size and SHA-256 is refused', async () => {
    const received = await h.collectRecords(async () => {
      h.sim.clock.advance(600_000);
      const big = h.sim.store.insert('rfis', { companyId: h.companyId, projectId }, { subject: 'big', question: { body: 'z'.repeat(1024 * 1024) } });
      h.sim.clock.advance(60_000);
      await h.plan();
      await h.drainJobs();
      return big;
    });
    const claimCheck = received.find((r) => r.envelope.claimCheck)!.envelope.claimCheck!;
    await expect(fetchClaimCheckedRecord(s3ObjectsFromEnvironment(), { ...claimCheck, sha256: '0'.repeat(64) })).rejects.toThrow(/SHA-256/);
  });

  it('re-delivers every record of a scope on a full resync and then moves the cursor', async () => {
    h.sim.clock.advance(600_000);
    // As `connector sync --full` starts it: the scope's lease taken, its cursor reset, a full job enqueued.
    const started = await startSync({ ...scope(), full: true }, { sqs: h.sqs, table: h.table, jobsQueueUrl: h.queues.jobs, now: () => h.sim.clock.now() });
    expect(started).toMatchObject({ leased: true, cursorReset: true, job: { full: true } });
    const received = await h.collectRecords(() => h.drainJobs());
    // Every record of the scope: the live ones, and the one recycled earlier (from the recycle bin, as recycled).
    const recycled = h.sim.store.removed('rfis').filter((r) => r.projectId === projectId);
    expect(recycled).toHaveLength(1);
    expect(new Set(received.filter((r) => r.envelope.lifecycle === 'active').map((r) => r.envelope.id))).toEqual(new Set(rfis().map((r) => r.id)));
    expect(received.filter((r) => r.envelope.lifecycle === 'recycled').map((r) => r.envelope.id)).toEqual(recycled.map((r) => r.id));
    await expect(readCursor(h.table, scope())).resolves.toMatchObject({ cursor: started.job.windowEnd });
  });

  it('holds a rate-limited job back on the queue until Procore says to come back, as a continuation, not a failure', async () => {
    h.sim.clock.advance(600_000);
    const before = await readCursor(h.table, scope());
    // Retry-After asked for: this harness's simulator clock is not the worker's wall clock, so only a
    // relative wait (not X-Rate-Limit-Reset, an absolute time) means the same to both.
    h.sim.setRateLimit({ spikeWindowSeconds: 900, retryAfter: true });
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
      // The job succeeded: its continuation waits on the queue, held back to the reset (SQS caps a delay at 15 minutes),
      // so no attempt is used up and nothing comes near the dead-letter queue.
      expect(invocation).toEqual({ jobs: 1, failures: 0 });
      expect(received).toEqual([]);
      const { Attributes } = await h.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: h.queues.jobs,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      expect(Attributes).toMatchObject({
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ApproximateNumberOfMessagesDelayed: '1',
      });
      await expect(readCursor(h.table, scope())).resolves.toEqual(before);
      const state = await listSyncState(h.table, h.companyId);
      expect(state.filter((item) => item.kind === 'lease')).toHaveLength(1);
      expect(state.filter((item) => item.kind === 'failure')).toEqual([]);
      // It goes on where it stood: the start of its window, nothing delivered yet.
      expect(state.find((item) => item.kind === 'checkpoint')).toMatchObject({ nextPage: 1, recordsSoFar: 0 });
    } finally {
      h.sim.setFaults(undefined);
    }
  });
});
