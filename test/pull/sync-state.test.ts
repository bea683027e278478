// Sync state in the DynamoDB state table (moto): leases, cursors, and the window they give a job.
import { createStateTable } from '../../local/create-state-table';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { advanceCursor, readCursor, resetCursor, type SyncTable } from '../../functions/pull/state/cursor';
import { acquireLease, releaseLease, renewLease } from '../../functions/pull/state/lease';
import { syncStateKey } from '../../functions/pull/state/state-keys';
import { listSyncState } from '../../functions/pull/state/status';
import type { SyncJob } from '../../functions/pull/sync-job';
import { syncWindow, updatedAtFilter } from '../../functions/pull/sync-window';
import { backoffDelayMs } from '../../functions/pull/cadence/backoff';
import { clearBackoff, recordSyncFailure } from '../../functions/pull/state/failure';
import { readDeliveredInactive, saveDeliveredInactive } from '../../functions/pull/state/inactive-set';
import { readScopeTimings } from '../../functions/pull/state/planning-state';
import { scopeId } from '../../functions/pull/sync-scope';

const dynamo = new DynamoDBClient({});
let table: SyncTable;
let n = 0;
/** A fresh scope per test, so tests share the table without sharing state. */
const newScope = () => ({ companyId: 4294968296 + n++, projectId: 4294969999, resource: 'rfis' as const });
const lastPull = { jobId: 'job', records: 1, claimChecked: 0, pages: 1, finishedAt: '2026-01-15T12:00:00Z' };

beforeAll(async () => {
  const tableName = `pull-state-unit-${randomUUID().slice(0, 8)}`;
  await createStateTable(dynamo, tableName);
  table = { db: DynamoDBDocumentClient.from(dynamo), tableName };
});

describe('scope lease', () => {
  const durationMs = 60_000;
  const t0 = Date.parse('2026-01-15T12:00:00Z');

  it('has one holder at a time, even when taken concurrently', async () => {
    const scope = newScope();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => acquireLease(table, scope, holder, { durationMs, now: t0 })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('is free again after its holder releases it; another holder cannot release it', async () => {
    const scope = newScope();
    expect(await acquireLease(table, scope, 'a', { durationMs, now: t0 })).toBe(true);
    await releaseLease(table, scope, 'b');
    expect(await acquireLease(table, scope, 'b', { durationMs, now: t0 + 1 })).toBe(false);
    await releaseLease(table, scope, 'a');
    expect(await acquireLease(table, scope, 'b', { durationMs, now: t0 + 2 })).toBe(true);
  });

  it('expires, so a job that vanished (DLQ) does not block its scope for ever', async () => {
    const scope = newScope();
    expect(await acquireLease(table, scope, 'a', { durationMs, now: t0 })).toBe(true);
    expect(await acquireLease(table, scope, 'b', { durationMs, now: t0 + durationMs - 1 })).toBe(false);
    expect(await acquireLease(table, scope, 'b', { durationMs, now: t0 + durationMs + 1 })).toBe(true);
    // The old holder's release no longer touches the new lease.
    await releaseLease(table, scope, 'a');
    expect(await acquireLease(table, scope, 'c', { durationMs, now: t0 + durationMs + 2 })).toBe(false);
  });

  it('is extended by its holder only (continuations of a long scope)', async () => {
    const scope = newScope();
    await acquireLease(table, scope, 'a', { durationMs, now: t0 });
    expect(await renewLease(table, scope, 'b', t0 + 50_000)).toBe(false);
    expect(await renewLease(table, scope, 'a', t0 + 50_000)).toBe(true);
    expect(await acquireLease(table, scope, 'b', { durationMs, now: t0 + durationMs + 1 })).toBe(false);
    const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: syncStateKey('lease', scope) }));
    expect(Item).toMatchObject({ holder: 'a', expiresAtMs: t0 + 50_000 + durationMs });
    expect(Item?.expiration).toBeGreaterThan((t0 + 50_000 + durationMs) / 1000);
  });
});

describe('scope cursor', () => {
  it('only moves forward, and a reset forgets it (full resync)', async () => {
    const scope = newScope();
    await expect(readCursor(table, scope)).resolves.toBeUndefined();
    expect(await advanceCursor(table, scope, '2026-01-15T12:00:00Z', lastPull)).toBe(true);
    expect(await advanceCursor(table, scope, '2026-01-15T11:00:00Z', lastPull)).toBe(false);
    await expect(readCursor(table, scope)).resolves.toMatchObject({ cursor: '2026-01-15T12:00:00Z', lastPull });
    expect(await advanceCursor(table, scope, '2026-01-15T13:00:00Z', lastPull)).toBe(true);
    await expect(readCursor(table, scope)).resolves.toMatchObject({ cursor: '2026-01-15T13:00:00Z' });
    await resetCursor(table, scope);
    await expect(readCursor(table, scope)).resolves.toBeUndefined();
  });

  it('is listed with the rest of the company state', async () => {
    const scope = newScope();
    await advanceCursor(table, scope, '2026-01-15T12:00:00Z', lastPull);
    await acquireLease(table, scope, 'a', { durationMs: 1000, now: 0 });
    const items = await listSyncState(table, scope.companyId);
    expect(items.map((i) => [i.kind, i.resource, i.projectId])).toEqual([
      ['cursor', 'rfis', scope.projectId],
      ['lease', 'rfis', scope.projectId],
    ]);
  });
});

describe('sync window', () => {
  const job: SyncJob = { version: 1, jobId: 'j', companyId: 1, projectId: 2, resource: 'rfis', windowEnd: '2026-01-15T12:00:00Z' };

  it('starts at the cursor minus the overlap', () => {
    expect(syncWindow({ ...job, overlapSeconds: 300 }, '2026-01-15T11:00:00Z')).toEqual({
      start: '2026-01-15T10:55:00Z',
      end: job.windowEnd,
      basis: 'cursor',
    });
  });

  it('reaches back initialLookbackDays on a first pull, to the beginning on a full one, and is fixed for continuations', () => {
    expect(syncWindow({ ...job, initialLookbackDays: 30 }, undefined).start).toBe('2025-12-16T12:00:00Z');
    expect(syncWindow({ ...job, full: true }, '2026-01-15T11:00:00Z').basis).toBe('full');
    expect(syncWindow({ ...job, windowStart: '2026-01-01T00:00:00Z' }, '2026-01-15T11:00:00Z').start).toBe('2026-01-01T00:00:00Z');
  });

  it("is sent as Procore's inclusive updated_at range", () => {
    expect(updatedAtFilter({ start: '2026-01-15T10:55:00.000Z', end: '2026-01-15T12:00:00Z', basis: 'cursor' })).toBe(
      '2026-01-15T10:55:00Z...2026-01-15T12:00:00Z',
    );
  });
});

describe('ids delivered as inactive', () => {
  it('keeps a large set in chunks under the item size limit, and shrinks it when ids leave the inactive list', async () => {
    const scope = { ...newScope(), projectId: null, resource: 'vendors' as const };
    const many = Array.from({ length: 12_001 }, (_, i) => 4294970000 + i);
    await saveDeliveredInactive(table, scope, many, 0, '2026-01-15T12:00:00Z');
    const saved = await readDeliveredInactive(table, scope);
    expect(saved.chunks).toBe(3);
    expect(saved.ids).toEqual(new Set(many));

    await saveDeliveredInactive(table, scope, [many[5]!, many[9_000]!], saved.chunks, '2026-01-15T13:00:00Z');
    const shrunk = await readDeliveredInactive(table, scope);
    expect(shrunk).toEqual({ ids: new Set([many[5], many[9_000]]), chunks: 1 });
    expect((await listSyncState(table, scope.companyId)).filter((item) => item.kind === 'inactive')).toHaveLength(1);
  });
});

describe('scope back-off', () => {
  it('waits 15 minutes after a first failure for good, doubling per failure in a row up to a day', async () => {
    expect([1, 2, 3, 4, 7, 8, 30].map((n) => backoffDelayMs(n) / 60_000)).toEqual([15, 30, 60, 120, 960, 1440, 1440]);
    const scope = newScope();
    const failure = { jobId: 'j', errorClass: 'ProcoreNotFound', message: 'gone', httpStatus: 404, attempts: 1, failedAt: '2026-01-15T12:00:00.000Z' };
    await expect(recordSyncFailure(table, scope, failure)).resolves.toEqual({ consecutiveFailures: 1, retryAtMs: Date.parse('2026-01-15T12:15:00Z') });
    await expect(recordSyncFailure(table, scope, { ...failure, failedAt: '2026-01-15T13:00:00.000Z' })).resolves.toEqual({
      consecutiveFailures: 2,
      retryAtMs: Date.parse('2026-01-15T13:30:00Z'),
    });
    expect((await readScopeTimings(table, scope.companyId)).get(scopeId(scope))).toEqual({ retryAtMs: Date.parse('2026-01-15T13:30:00Z') });
    // Cleared: the next failure starts over at 15 minutes.
    await expect(clearBackoff(table, scope)).resolves.toBe(true);
    await expect(clearBackoff(table, scope)).resolves.toBe(false);
    await expect(recordSyncFailure(table, scope, { ...failure, failedAt: '2026-01-15T14:00:00.000Z' })).resolves.toMatchObject({ consecutiveFailures: 1 });
  });
});
