// One job per scope, at the state table (moto): the lease as a fence around every checkpoint and
// cursor write, checkpoints and cursors that never move back, and where a job starts reading.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createStateTable } from '../../local/create-state-table';
import { claimScope, completeFencedWindow, LeaseLostError, saveFencedCheckpoint, type ScopeFence } from '../../functions/pull/lease-fence';
import { leaseSeconds, DEFAULT_SYNC_LEASE_MS } from '../../functions/pull/lease-duration';
import { startPoint } from '../../functions/pull/start-point';
import { readCheckpoint, saveCheckpoint, type SyncCheckpoint } from '../../functions/pull/state/checkpoint';
import { advanceCursor, readCursor, type SyncTable } from '../../functions/pull/state/cursor';
import { acquireLease } from '../../functions/pull/state/lease';
import { syncStateKey } from '../../functions/pull/state/state-keys';
import type { SyncJob } from '../../functions/pull/sync-job';
import { BEGINNING_OF_TIME } from '../../functions/pull/sync-window';

const dynamo = new DynamoDBClient({});
let table: SyncTable;
let n = 0;
const newScope = () => ({ companyId: 4294970000 + n++, projectId: 4294979999, resource: 'rfis' as const });
const t0 = Date.parse('2026-01-15T12:00:00Z');
const W1 = '2026-01-15T12:00:00Z';
const W2 = '2026-01-15T13:00:00Z';
const lastPull = (jobId: string) => ({ jobId, records: 1, claimChecked: 0, pages: 1, finishedAt: W2 });

function fenceOf(scope: ReturnType<typeof newScope>, holder: string, now = t0, leaseMs = 60_000): ScopeFence {
  return { table, scope, holder, leaseMs, now: () => now };
}

function checkpoint(jobId: string, fields: Partial<SyncCheckpoint> = {}): SyncCheckpoint {
  return {
    jobId,
    windowStart: '2026-01-15T11:00:00Z',
    windowEnd: W1,
    resumeFrom: '2026-01-15T11:20:00Z',
    nextPage: 1,
    recordsSoFar: 40,
    savedAt: W1,
    ...fields,
  };
}

async function lease(scope: ReturnType<typeof newScope>) {
  const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: syncStateKey('lease', scope), ConsistentRead: true }));
  return Item;
}

beforeAll(async () => {
  const tableName = `pull-fence-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamo, tableName);
  table = { db: DynamoDBDocumentClient.from(dynamo), tableName };
});

describe('lease duration', () => {
  it("covers the queue's maxReceiveCount visibility timeouts plus the backlog (3 attempts + the spare receive: 4 x 1,800 s + 2 h by default)", () => {
    expect(leaseSeconds({ maxReceiveCount: 6, visibilityTimeoutSeconds: 1800, backlogSeconds: 7200 })).toBe(18_000);
    expect(DEFAULT_SYNC_LEASE_MS).toBe(14_400_000);
  });
});

describe('claiming the scope as a job starts', () => {
  it('keeps its own lease, takes a missing or expired one, and loses to a running one', async () => {
    const scope = newScope();
    expect(await claimScope(fenceOf(scope, 'a'))).toBe(true); // no lease yet (e.g. a redriven job)
    expect(await lease(scope)).toMatchObject({ holder: 'a', expiresAtMs: t0 + 60_000, kind: 'lease', resource: 'rfis' });
    expect(await claimScope(fenceOf(scope, 'a', t0 + 30_000))).toBe(true); // its own: renewed
    expect(await lease(scope)).toMatchObject({ holder: 'a', expiresAtMs: t0 + 90_000 });
    expect(await claimScope(fenceOf(scope, 'b', t0 + 89_000))).toBe(false); // a's still runs: b is superseded
    expect(await claimScope(fenceOf(scope, 'b', t0 + 91_000))).toBe(true); // a's expired: b takes the scope
    expect(await lease(scope)).toMatchObject({ holder: 'b' });
    // The planner cannot take it from b either.
    expect(await acquireLease(table, scope, 'c', { durationMs: 60_000, now: t0 + 92_000 })).toBe(false);
  });
});

describe('fenced checkpoints', () => {
  it('renew the lease with every checkpoint; a job that lost its lease writes nothing and learns it', async () => {
    const scope = newScope();
    await acquireLease(table, scope, 'a', { durationMs: 60_000, now: t0 });
    await saveFencedCheckpoint(fenceOf(scope, 'a', t0 + 50_000), checkpoint('a'));
    expect(await lease(scope)).toMatchObject({ holder: 'a', expiresAtMs: t0 + 110_000 });
    // a's lease expires; b takes the scope and saves its own position.
    expect(await claimScope(fenceOf(scope, 'b', t0 + 200_000))).toBe(true);
    await saveFencedCheckpoint(fenceOf(scope, 'b', t0 + 201_000), checkpoint('b', { nextPage: 4, recordsSoFar: 60 }));
    await expect(saveFencedCheckpoint(fenceOf(scope, 'a', t0 + 202_000), checkpoint('a', { nextPage: 5, recordsSoFar: 80 }))).rejects.toThrow(LeaseLostError);
    await expect(readCheckpoint(table, scope)).resolves.toMatchObject({ jobId: 'b', nextPage: 4, recordsSoFar: 60 });
  });

  it('never move back within a window, but give way to another window', async () => {
    const scope = newScope();
    expect(await saveCheckpoint(table, scope, checkpoint('a', { recordsSoFar: 60, nextPage: 4 }))).toBe(true);
    expect(await saveCheckpoint(table, scope, checkpoint('a', { recordsSoFar: 40, nextPage: 3 }))).toBe(false);
    expect(await saveCheckpoint(table, scope, checkpoint('a', { recordsSoFar: 60, nextPage: 3 }))).toBe(true); // re-read after a shrink
    expect(await saveCheckpoint(table, scope, checkpoint('c', { windowEnd: W2, recordsSoFar: 0, nextPage: 2 }))).toBe(true);
    await expect(readCheckpoint(table, scope)).resolves.toMatchObject({ jobId: 'c', windowEnd: W2 });
  });
});

describe('completing a window', () => {
  it('moves the cursor, drops the checkpoint and releases the lease in one fenced write', async () => {
    const scope = newScope();
    await acquireLease(table, scope, 'a', { durationMs: 60_000, now: t0 });
    await saveFencedCheckpoint(fenceOf(scope, 'a'), checkpoint('a'));
    await expect(completeFencedWindow(fenceOf(scope, 'a'), W1, lastPull('a'))).resolves.toEqual({ cursorAdvanced: true });
    await expect(readCursor(table, scope)).resolves.toMatchObject({ cursor: W1, lastPull: { jobId: 'a' } });
    await expect(readCheckpoint(table, scope)).resolves.toBeUndefined();
    expect(await lease(scope)).toBeUndefined();
  });

  it('by a job that lost its lease changes nothing', async () => {
    const scope = newScope();
    await acquireLease(table, scope, 'b', { durationMs: 60_000, now: t0 });
    await saveFencedCheckpoint(fenceOf(scope, 'b'), checkpoint('b'));
    await expect(completeFencedWindow(fenceOf(scope, 'a'), W2, lastPull('a'))).rejects.toThrow(LeaseLostError);
    await expect(readCursor(table, scope)).resolves.toBeUndefined();
    await expect(readCheckpoint(table, scope)).resolves.toMatchObject({ jobId: 'b' });
    expect(await lease(scope)).toMatchObject({ holder: 'b' });
  });

  it('never moves the cursor back: an older window completing late still gives its lease back', async () => {
    const scope = newScope();
    await advanceCursor(table, scope, W2, lastPull('newer'));
    await acquireLease(table, scope, 'old', { durationMs: 60_000, now: t0 });
    await expect(completeFencedWindow(fenceOf(scope, 'old'), W1, lastPull('old'))).resolves.toEqual({ cursorAdvanced: false });
    await expect(readCursor(table, scope)).resolves.toMatchObject({ cursor: W2, lastPull: { jobId: 'newer' } });
    expect(await lease(scope)).toBeUndefined();
  });
});

describe('where a job starts', () => {
  const job: SyncJob = { version: 1, jobId: 'b', companyId: 1, projectId: 2, resource: 'rfis', windowEnd: W2 };
  const saved = { from: '2026-01-15T11:20:00Z', page: 1 };

  it('resumes its own checkpoint after its worker died, with the window as it was read', () => {
    // The window's end as read (clamped at its first read) may be earlier than the job's message says.
    const start = startPoint({ ...job, windowEnd: W2 }, checkpoint('b'), undefined);
    expect(start).toMatchObject({ basis: 'resumed', position: saved, recordsBefore: 40, window: { start: '2026-01-15T11:00:00Z', end: W1 } });
  });

  it("adopts a gone job's checkpoint with its window instead of starting over", () => {
    const start = startPoint(job, checkpoint('a'), '2026-01-15T11:05:00Z');
    expect(start).toMatchObject({ basis: 'adopted', position: saved, recordsBefore: 40, window: { start: '2026-01-15T11:00:00Z', end: W1 } });
  });

  it('ignores a checkpoint the cursor already covers, and a narrow one for a full resync', () => {
    expect(startPoint(job, checkpoint('a'), W1)).toMatchObject({ basis: 'own', position: undefined, window: { end: W2, basis: 'cursor' } });
    expect(startPoint({ ...job, full: true }, checkpoint('a'), undefined)).toMatchObject({ basis: 'own', window: { start: BEGINNING_OF_TIME } });
    expect(startPoint({ ...job, full: true }, checkpoint('a', { windowStart: BEGINNING_OF_TIME }), undefined)).toMatchObject({ basis: 'adopted' });
  });

  it('a continuation goes on from its position, or from its own checkpoint when that is further on', () => {
    const continuation: SyncJob = {
      ...job,
      windowEnd: W1,
      windowStart: '2026-01-15T11:00:00Z',
      resumeFrom: '2026-01-15T11:10:00Z',
      sliceSeconds: 60,
      continuation: 2,
    };
    expect(startPoint(continuation, undefined, undefined)).toMatchObject({
      basis: 'own',
      position: { from: '2026-01-15T11:10:00Z', page: 1, sliceSeconds: 60 },
    });
    expect(startPoint(continuation, checkpoint('b'), undefined)).toMatchObject({ basis: 'resumed', position: saved, recordsBefore: 40 });
    // Inside a crowded second: the page, and the Total seen with it.
    const crowded = checkpoint('b', { nextPage: 4, seenTotal: 1800, sliceSeconds: 2 });
    expect(startPoint(continuation, crowded, undefined).position).toEqual({ from: '2026-01-15T11:20:00Z', page: 4, seenTotal: 1800, sliceSeconds: 2 });
  });

  it('starts the window over from a checkpoint of an older version (no resumeFrom): records come again, none is skipped', () => {
    const { resumeFrom: _from, ...older } = checkpoint('a', { nextPage: 7 });
    expect(startPoint(job, older, undefined)).toMatchObject({ basis: 'adopted', position: undefined, recordsBefore: 40 });
    const olderMessage: SyncJob = { ...job, windowStart: '2026-01-15T11:00:00Z', startPage: 7, continuation: 1 };
    expect(startPoint(olderMessage, undefined, undefined)).toMatchObject({ basis: 'own', position: undefined });
  });
});
