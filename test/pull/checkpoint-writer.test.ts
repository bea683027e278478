// A pull job's checkpoint writes run beside the next chunk's delivery (state table in moto): while
// the lease surely runs the job does not wait for them; when it may have run out, or a write failed,
// it learns the outcome before it delivers or reads on. Writes land in order.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStateTable } from '../../local/create-state-table';
import { CheckpointWriter } from '../../functions/pull/checkpoint-writer';
import { claimScope, LeaseLostError, type ScopeFence } from '../../functions/pull/lease-fence';
import { readCheckpoint, type SyncCheckpoint } from '../../functions/pull/state/checkpoint';
import type { SyncTable } from '../../functions/pull/state/cursor';

const dynamo = new DynamoDBClient({});
let table: SyncTable;
let n = 0;
const t0 = Date.parse('2026-01-15T12:00:00Z');
const LEASE_MS = 60_000;

/** The state table with its writes held until release() (each write that arrives waits). */
function heldTable() {
  const db = DynamoDBDocumentClient.from(dynamo);
  let open = Promise.resolve();
  let release = () => {};
  const started: number[] = [];
  const held: SyncTable = {
    tableName: table.tableName,
    db: {
      send: async (command: Parameters<typeof db.send>[0]) => {
        started.push(started.length);
        await open;
        return db.send(command);
      },
    } as unknown as DynamoDBDocumentClient,
  };
  return {
    held,
    started,
    hold: () => {
      open = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
  };
}

/** A new scope claimed by job-a, and its checkpoint writer. */
async function setUp() {
  const scope = { companyId: 4294971000 + n++, projectId: 4294979999, resource: 'rfis' as const };
  const clock = { now: t0 };
  const gate = heldTable();
  const fence: ScopeFence = { table: gate.held, scope, holder: 'job-a', leaseMs: LEASE_MS, now: () => clock.now };
  await claimScope(fence);
  return { scope, clock, gate, fence, writer: new CheckpointWriter(fence) };
}

function checkpoint(nextPage: number, savedAt: number): SyncCheckpoint {
  return {
    jobId: 'job-a',
    windowStart: '2026-01-15T11:00:00Z',
    windowEnd: '2026-01-15T12:00:00Z',
    resumeFrom: '2026-01-15T11:00:00Z',
    nextPage,
    recordsSoFar: nextPage * 100,
    savedAt: new Date(savedAt).toISOString(),
  };
}

/** Whether the promise is still pending after everything ready has run. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return !done;
}

beforeAll(async () => {
  const tableName = `pull-writer-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamo, tableName);
  table = { db: DynamoDBDocumentClient.from(dynamo), tableName };
});

it('lets the next delivery run while a checkpoint is written, the lease still running; the next write follows it', async () => {
  const { scope, clock, gate, writer } = await setUp();
  gate.hold();
  await writer.write(checkpoint(2, clock.now));
  // The write is in flight; a delivery now does not wait for it.
  await expect(pending(writer.beforeDelivery())).resolves.toBe(false);
  // The next write waits for the one before it (checkpoints never move back within a window).
  clock.now += 1000;
  const second = writer.write(checkpoint(3, clock.now));
  await expect(pending(second)).resolves.toBe(true);
  gate.release();
  await second;
  await writer.settle();
  await expect(readCheckpoint(table, scope)).resolves.toMatchObject({ nextPage: 3 });
  expect(writer.leasedUntil).toBe(clock.now + LEASE_MS);
});

it('makes a delivery wait for the write once the lease may have run out, and throws when another job took the scope', async () => {
  const { scope, clock, gate, fence, writer } = await setUp();
  gate.hold();
  await writer.write(checkpoint(2, clock.now));
  // A long read: the lease this job last wrote runs out, and job B takes the scope.
  clock.now += LEASE_MS + 1;
  await expect(claimScope({ ...fence, table, holder: 'job-b' })).resolves.toBe(true);
  const delivery = writer.beforeDelivery();
  await expect(pending(delivery)).resolves.toBe(true);
  gate.release();
  await expect(delivery).rejects.toBeInstanceOf(LeaseLostError);
  await expect(readCheckpoint(table, scope)).resolves.toBeUndefined();
});

it('waits for a write begun after the lease may have run out, so the job stops before it reads on', async () => {
  const { clock, fence, writer } = await setUp();
  clock.now += LEASE_MS + 1;
  await expect(claimScope({ ...fence, table, holder: 'job-b' })).resolves.toBe(true);
  await expect(writer.write(checkpoint(2, clock.now))).rejects.toBeInstanceOf(LeaseLostError);
});

it('learns of a failed write before the next delivery even while the lease should run', async () => {
  const { scope, clock, gate, writer } = await setUp();
  // Another invocation of the same job is further along this window: this one's write fails.
  await writer.write(checkpoint(5, clock.now));
  await writer.settle();
  gate.hold();
  await writer.write(checkpoint(4, clock.now + 1));
  gate.release();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await expect(writer.beforeDelivery()).rejects.toBeInstanceOf(LeaseLostError);
  await expect(readCheckpoint(table, scope)).resolves.toMatchObject({ nextPage: 5 });
  // drain() waits without the outcome (the job is failing with another error already).
  await writer.write(checkpoint(4, clock.now + 2)).catch(() => undefined);
  await expect(writer.drain()).resolves.toBeUndefined();
});
