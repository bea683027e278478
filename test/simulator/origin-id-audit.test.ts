// The origin_id audit every run uses (push harnesses, npm start, bench, chaos): it reads the
// simulator's request log and names each Procore write carrying an origin_id no push message of
// that resource carried. Here the writes are made by hand, as a connector that invents origin ids
// would make them, so the audit is seen to fail.
import { auditOriginIds, describeForeignOriginId, originIdAuditLine, originIdsOfMessages, startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, formOf, requestToken } from './sim-http';

describe('origin_id audit of a request log', () => {
  let sim: ProcoreSimulator;
  let api: ReturnType<typeof apiClient>;
  let companyId: number;

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 2 } });
    companyId = sim.store.companies()[0]!.id;
    api = apiClient(sim, await requestToken(sim), companyId);
  });
  beforeEach(() => sim.clearRequests());
  afterAll(() => sim.close());

  const messages = [
    { version: 1, id: 'm-1', companyId: 1, resource: 'vendors', operation: 'create', originId: 'ERP-V-1', data: { name: 'A' } },
    { version: 1, id: 'm-2', companyId: 1, resource: 'company_users', operation: 'upsert', data: { last_name: 'Kim', origin_id: 'HR-7' } },
    '{"not": "json"', // a bad-input body carries no origin id
  ];

  it('names a create carrying an invented origin_id (push:<message id>), and not the one the message carried', async () => {
    await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, vendor: { name: 'Kept', origin_id: 'ERP-V-1' } } });
    await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, vendor: { name: 'Invented', origin_id: 'push:m-9' } } });
    await api('/rest/v1.0/vendors', { method: 'POST', body: { company_id: companyId, vendor: { name: 'No origin' } } });

    const audit = auditOriginIds(sim.requests(), originIdsOfMessages(messages));

    expect(audit.writesChecked).toBe(3);
    expect(audit.foreign).toEqual([
      { request: 1, method: 'POST', path: '/api/rest/v1.0/vendors', status: 201, resource: 'vendors', field: 'vendor.origin_id', originId: 'push:m-9' },
    ]);
    expect(describeForeignOriginId(audit.foreign[0]!)).toBe(
      'POST /api/rest/v1.0/vendors (request 1, answered 201): vendor.origin_id "push:m-9" is the originId of no vendors message sent in this run',
    );
    expect(originIdAuditLine(audit)).toMatch(/^origin_id not from a message: 1 \(3 Procore write request\(s\) checked\)\n {2}POST \/api\/rest\/v1\.0\/vendors/);
  });

  it('reads multipart /sync items at any depth of updates[], per resource', async () => {
    await api(`/rest/v1.3/companies/${companyId}/users/sync`, {
      method: 'PATCH',
      form: formOf([
        ['updates[][origin_id]', 'HR-7'],
        ['updates[][last_name]', 'Kim'],
        ['updates[][email_address]', 'kim@example.com'],
        // The vendor message's origin id, on a company user: not that resource's.
        ['updates[][origin_id]', 'ERP-V-1'],
        ['updates[][last_name]', 'Lee'],
        ['updates[][email_address]', 'lee@example.com'],
      ]),
    });
    await api('/rest/v1.0/vendors/sync', {
      method: 'PATCH',
      body: {
        company_id: companyId,
        updates: [
          { origin_id: 'ERP-V-1', name: 'A' },
          { name: 'B', address: { origin_id: 'push:m-3' } },
        ],
      },
    });

    const audit = auditOriginIds(sim.requests(), originIdsOfMessages(messages));

    expect(audit.foreign.map((f) => [f.request, f.resource, f.field, f.originId])).toEqual([
      [0, 'company_users', 'updates[1].origin_id', 'ERP-V-1'],
      [1, 'vendors', 'updates[1].address.origin_id', 'push:m-3'],
    ]);
  });

  it('scans writes Procore never answered (a dropped connection), not reads or token requests', async () => {
    sim.setFaults({ dropConnectionRate: 1, only: (r) => r.method === 'PATCH' });
    const vendor = sim.store.list('vendors', { companyId })[0]!;
    await api(`/rest/v1.0/vendors/${vendor.id}`, { method: 'PATCH', body: { company_id: companyId, vendor: { origin_id: 'push:m-4' } } }).catch(
      () => undefined,
    );
    sim.setFaults(undefined);
    await api(`/rest/v1.0/vendors?company_id=${companyId}&filters[origin_id]=push:m-5`);
    await requestToken(sim);

    const audit = auditOriginIds(sim.requests(), originIdsOfMessages(messages));

    expect(audit.writesChecked).toBe(1);
    expect(audit.foreign).toEqual([expect.objectContaining({ method: 'PATCH', status: 0, field: 'vendor.origin_id', originId: 'push:m-4' })]);
  });
});
