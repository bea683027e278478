// How a batch's upserts are grouped into Procore sync calls (pure logic; the over-HTTP behaviour
// is in push-batch-upserts.test.ts).
import type { PushMessage } from '../../functions/commons/contracts/push-message';
import { MAX_BATCH_UPSERT_ITEMS, planBatchUpsertCalls } from '../../functions/push/batch-upsert';
import { batchUpsertKey } from '../../functions/push/plan-batch';
import type { UpsertMessage } from '../../functions/push/push-write';

const upsert = (i: number, address: { originId?: string; procoreId?: number } = { originId: `O-${i}` }) => ({
  key: `m-${i}`,
  message: { version: 1, id: `u-${i}`, companyId: 7, resource: 'vendors', operation: 'upsert', data: { name: `V${i}` }, ...address } as UpsertMessage,
});

describe('sync call planning', () => {
  it('chunks at 1000 items per call, keeping batch order', () => {
    const members = Array.from({ length: 2345 }, (_, i) => upsert(i));
    const calls = planBatchUpsertCalls(members);
    expect(MAX_BATCH_UPSERT_ITEMS).toBe(1000);
    expect(calls.map((c) => c.length)).toEqual([1000, 1000, 345]);
    expect(calls.flat().map((m) => m.key)).toEqual(members.map((m) => m.key));
  });

  it('starts a new call when a record is addressed again (by origin id or by Procore id)', () => {
    const calls = planBatchUpsertCalls([
      upsert(1, { originId: 'A' }),
      upsert(2, { originId: 'B' }),
      upsert(3, { originId: 'A' }),
      upsert(4, { procoreId: 9 }),
      upsert(5, { procoreId: 9, originId: 'C' }),
    ]);
    expect(calls.map((c) => c.map((m) => m.key))).toEqual([['m-1', 'm-2'], ['m-3', 'm-4'], ['m-5']]);
  });

  it('groups upserts of sync-capable resources by resource and scope only', () => {
    const base = { version: 1, id: 'x', companyId: 7, data: {} } as const;
    const key = (m: object) => batchUpsertKey({ ...base, ...m } as PushMessage);
    expect(key({ resource: 'vendors', operation: 'upsert', originId: 'A' })).toBe('vendors#7#');
    // Company-scoped: a stray projectId does not split the group.
    expect(key({ resource: 'vendors', operation: 'upsert', originId: 'A', projectId: 3 })).toBe('vendors#7#');
    expect(key({ resource: 'work_order_contracts', operation: 'upsert', originId: 'A', projectId: 3 })).toBe('work_order_contracts#7#3');
    expect(key({ resource: 'vendors', operation: 'create' })).toBeUndefined();
    expect(key({ resource: 'vendors', operation: 'update', procoreId: 1 })).toBeUndefined();
    // No sync endpoint in Procore for RFIs: applied one by one.
    expect(key({ resource: 'rfis', operation: 'upsert', originId: 'A', projectId: 3 })).toBeUndefined();
  });
});
