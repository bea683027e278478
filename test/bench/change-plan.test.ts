// The webhook bench's day of changes: both sides get the same plan, spread over the hours, on
// distinct records; per-hour figures are the mean over the hours and the busiest hour.
import { perHour, planChanges, spread, type BenchRecord } from '../../bench/webhooks/change-plan';

const HOUR_MS = 3_600_000;
const records: BenchRecord[] = Array.from({ length: 1004 }, (_, i) => ({ resource: i < 1000 ? 'rfis' : 'vendors', id: 100 + i }));

describe('webhook bench change plan', () => {
  it('plans perHour changes in each hour, evenly spaced inside it, each on a different record', () => {
    const changes = planChanges(records, 24, 10);
    expect(changes).toHaveLength(240);
    for (let hour = 0; hour < 24; hour++) {
      const ofHour = changes.filter((c) => c.atMs >= hour * HOUR_MS && c.atMs < (hour + 1) * HOUR_MS);
      expect(ofHour.map((c) => c.atMs - hour * HOUR_MS)).toEqual(Array.from({ length: 10 }, (_, k) => (k + 0.5) * 360_000));
    }
    expect(new Set(changes.map((c) => `${c.record.resource}:${c.record.id}`)).size).toBe(240);
  });

  it('reports the mean per hour and the busiest hour, and median / p95 / max', () => {
    expect(perHour([10, 10, 10, 370])).toEqual({ mean: 100, max: 370 });
    expect(spread([5, 1, 3, 2, 4])).toEqual({ median: 3, p95: 5, max: 5 });
    expect(spread([]).median).toBeNaN();
  });
});
