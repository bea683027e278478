import { startSimulator } from '../../simulator';

describe('simulator store', () => {
  it('seeds the same data for the same seed and options, and reset() restores it', async () => {
    const options = {
      seed: 3,
      now: Date.parse('2026-01-15T12:00:00Z'),
      data: { companies: 1, projectsPerCompany: 2, recordsPerResource: 4, notPermittedPerCompany: 1 },
    };
    const a = await startSimulator(options);
    const b = await startSimulator(options);
    try {
      const companyId = a.store.companies()[0]!.id;
      const strip = (rows: Record<string, unknown>[]) => rows.map(({ created_at: _c, updated_at: _u, ...rest }) => rest);
      expect(strip(a.store.list('vendors', { companyId }))).toEqual(strip(b.store.list('vendors', { companyId })));
      expect(a.store.projects(companyId).map((p) => p.permitted)).toEqual([true, false]);
      expect(a.store.count('rfis', { companyId })).toBe(8);
      expect(a.store.count('rfis')).toBe(16); // the uninstalled company has data too

      const projectId = a.store.projects(companyId)[0]!.id;
      const created = a.store.insert('rfis', { companyId, projectId }, { subject: 'Added by a test' });
      expect(created.id).toBeGreaterThan(2 ** 32);
      expect(a.store.get('rfis', created.id)).toEqual(created);
      a.store.softDelete('rfis', created.id);
      expect(a.store.count('rfis', { companyId, projectId })).toBe(4);
      expect(a.store.list('rfis', { companyId, projectId }, { includeDeleted: true })).toHaveLength(5);

      a.store.reset();
      expect(strip(a.store.list('rfis', { companyId, projectId }))).toEqual(strip(b.store.list('rfis', { companyId, projectId })));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('spreads updated_at over the requested days before now, never after', async () => {
    const now = Date.parse('2026-01-15T12:00:00Z');
    const sim = await startSimulator({ now, data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 20, updatedAtSpreadDays: 30 } });
    try {
      const companyId = sim.store.companies()[0]!.id;
      for (const v of sim.store.list('vendors', { companyId })) {
        const t = Date.parse(v.updated_at);
        expect(t).toBeLessThanOrEqual(now);
        expect(t).toBeGreaterThanOrEqual(now - 30 * 86_400_000 - 1000);
        expect(Date.parse(v.created_at)).toBeLessThanOrEqual(t);
      }
    } finally {
      await sim.close();
    }
  });
});
