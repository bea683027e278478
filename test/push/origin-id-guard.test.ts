// The guard every push harness closes with: a write carrying an origin_id no sent message carried
// fails the run, even when the test cleared the request log after that write.
import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from '../simulator/sim-http';
import { guardOriginIds } from './support/origin-id-guard';

describe('push test runs: origin_id guard', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;

  beforeEach(async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 1 } });
    companyId = sim.store.companies()[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });

  const vendorCreate = (originId: string) => ({ method: 'POST', body: { company_id: companyId, vendor: { name: originId, origin_id: originId } } });

  it('passes writes whose origin_id a sent message carried', async () => {
    const guard = guardOriginIds(sim);
    guard.sent([{ version: 1, id: 'm-1', companyId, resource: 'vendors', operation: 'create', originId: 'ERP-1', data: { name: 'A' } }]);
    await api('/rest/v1.0/vendors', vendorCreate('ERP-1'));
    await expect(guard.checkAndClose()).resolves.toBeUndefined();
  });

  it('fails naming a write with an invented origin_id (request 1: after the token request), though the log was cleared after it', async () => {
    const guard = guardOriginIds(sim);
    guard.sent([JSON.stringify({ version: 1, id: 'm-2', companyId, resource: 'vendors', operation: 'create', data: { name: 'B' } })]);
    await api('/rest/v1.0/vendors', vendorCreate('push:m-2'));
    sim.clearRequests();
    await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, vendor: { name: 'No origin' } } });
    await expect(guard.checkAndClose()).rejects.toThrow(
      '1 of 2 Procore write request(s) carried an origin_id no push message carried:\n' +
        'POST /api/rest/v1.0/vendors (request 1, answered 201): vendor.origin_id "push:m-2" is the originId of no vendors message sent in this run',
    );
  });
});
