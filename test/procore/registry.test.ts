// The resource registry against Procore's published endpoint list, and the request builders.
import { declaredOperations } from '../../functions/commons/procore/declared-operations';
import { RESOURCE_NAMES } from '../../functions/commons/resources/names';
import { getResource, listResources } from '../../functions/commons/resources/registry';
import { ResourceDeclarationSchema } from '../../functions/commons/resources/resource-declaration';
import {
  buildBatchUpsertRequest,
  buildListRequest,
  buildOriginLookupRequest,
  buildParentListRequest,
  buildPullListRequest,
  buildShowRequest,
  buildWriteRequest,
  resourcePath,
} from '../../functions/commons/resources/request-builders';

import { checkDeclaredRequests } from '../../lib/config/declared-resource-check';

const endpoints = new Set(declaredOperations().all.map((operation) => `${operation.method} ${operation.path}`));

const METHODS = { list: 'GET', show: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE', batchUpsert: 'PATCH' } as const;

describe('resource registry', () => {
  it('has one entry per resource name', () => {
    expect(listResources().map((r) => r.name)).toEqual([...RESOURCE_NAMES]);
  });

  it.each(listResources().map((r) => [r.name, r] as const))('%s: every path and method is a published Procore operation', (_name, resource) => {
    const methodOf = (operation: keyof typeof METHODS) =>
      operation === 'batchUpsert' ? (resource.requests?.batchUpsert?.method ?? 'PATCH') : METHODS[operation];
    const used = Object.entries(resource.paths).map(([operation, template]) => `${methodOf(operation as keyof typeof METHODS)} ${template}`);
    expect(used.filter((operation) => !endpoints.has(operation))).toEqual([]);
    expect(resource.paths.list ?? resource.paths.create).toContain(`/rest/${resource.apiVersion}/`);
  });

  it.each(listResources().map((r) => [r.name, r] as const))(
    '%s: passes the check `cdk synth` applies to a resource declared in the stage config (one mechanism)',
    (_name, resource) => {
      expect(checkDeclaredRequests(resource, declaredOperations())).toEqual([]);
    },
  );

  it('takes a resource without a list only as push-only: nothing may read its list', () => {
    const pushOnly = { ...getResource('budget_line_items'), name: 'lines' };
    expect(ResourceDeclarationSchema.safeParse(pushOnly).success).toBe(true);
    const pulled = ResourceDeclarationSchema.safeParse({ ...pushOnly, incremental: true, originId: true });
    expect(pulled.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'incremental: a resource without paths.list is not pulled: set incremental to false',
      'originId: origin_id lookups read the list: a resource without paths.list cannot declare originId',
    ]);
    const misplaced = ResourceDeclarationSchema.safeParse({ ...pushOnly, requests: { ...pushOnly.requests, create: { itemsKey: 'lines' } } });
    expect(misplaced.error?.issues.map((i) => i.path.join('.'))).toEqual(['requests.create.itemsKey']);
  });

  it('catches a path Procore does not publish', () => {
    expect(endpoints.has('DELETE /rest/v1.0/vendors/{id}')).toBe(false);
    expect(endpoints.has('GET /rest/v1.0/vendors')).toBe(true);
  });

  it('names the known resources when asked for an unknown one', () => {
    expect(() => getResource('invoices')).toThrow(/unknown resource "invoices"; known: projects, rfis/);
  });
});

describe('request builders', () => {
  const company = { companyId: 5_000_000_001 };
  const project = { companyId: 5_000_000_001, projectId: 6_000_000_002 };

  it('fills path templates and refuses a missing id', () => {
    expect(resourcePath('/rest/v1.0/projects/{project_id}/rfis/{id}', { projectId: 6_000_000_002, id: 7 })).toBe('/rest/v1.0/projects/6000000002/rfis/7');
    expect(() => resourcePath('/rest/v1.0/projects/{project_id}/rfis', {})).toThrow('needs project_id');
  });

  it('wraps data and puts scope ids where Procore wants them', () => {
    expect(buildWriteRequest(getResource('vendors'), 'create', company, { name: 'Acme', origin_id: 'erp-1' })).toEqual({
      method: 'POST',
      path: '/rest/v1.0/vendors',
      companyId: 5_000_000_001,
      body: { company_id: 5_000_000_001, vendor: { name: 'Acme', origin_id: 'erp-1' } },
    });
    expect(buildWriteRequest(getResource('rfis'), 'update', project, { subject: 'S' }, 42)).toEqual({
      method: 'PATCH',
      path: '/rest/v1.0/projects/6000000002/rfis/42',
      companyId: 5_000_000_001,
      body: { rfi: { subject: 'S' } },
    });
    expect(buildWriteRequest(getResource('observations'), 'create', project, { name: 'N', type_id: 1 }).body).toEqual({
      project_id: 6_000_000_002,
      observation: { name: 'N', type_id: 1 },
    });
    expect(buildWriteRequest(getResource('work_order_contracts'), 'delete', project, {}, 9)).toEqual({
      method: 'DELETE',
      path: '/rest/v1.0/work_order_contracts/9',
      companyId: 5_000_000_001,
      query: { project_id: 6_000_000_002 },
    });
  });

  it('refuses operations Procore does not offer and missing scope ids', () => {
    expect(() => buildWriteRequest(getResource('vendors'), 'delete', company, {}, 1)).toThrow('vendors cannot be deleted');
    expect(() => buildWriteRequest(getResource('rfis'), 'create', company, {})).toThrow('projectId is required');
    expect(() => buildWriteRequest(getResource('rfis'), 'update', project, {})).toThrow('needs the Procore id');
    expect(() => buildBatchUpsertRequest(getResource('rfis'), project, [{ id: 1 }])).toThrow('no batch sync');
    expect(() =>
      buildBatchUpsertRequest(
        getResource('vendors'),
        company,
        Array.from({ length: 1001 }, () => ({})),
      ),
    ).toThrow('1 to 1000 items');
  });

  it('builds sync, list and show requests', () => {
    expect(buildBatchUpsertRequest(getResource('vendors'), company, [{ origin_id: 'erp-1', name: 'Acme' }])).toEqual({
      method: 'PATCH',
      path: '/rest/v1.0/vendors/sync',
      companyId: 5_000_000_001,
      body: { company_id: 5_000_000_001, updates: [{ origin_id: 'erp-1', name: 'Acme' }] },
      // Every item is addressed (origin_id or id): Procore creates or updates, so a repeat is safe.
      idempotent: true,
    });
    expect(buildBatchUpsertRequest(getResource('vendors'), company, [{ name: 'Unaddressed' }]).idempotent).toBeUndefined();
    expect(buildBatchUpsertRequest(getResource('company_users'), company, [{ id: 3 }]).path).toBe('/rest/v1.3/companies/5000000001/users/sync');
    expect(buildListRequest(getResource('observations'), project, { 'filters[updated_at]': 'a...b' }).query).toEqual({
      project_id: 6_000_000_002,
      'filters[updated_at]': 'a...b',
    });
    expect(buildShowRequest(getResource('vendors'), company, 8)).toEqual({
      method: 'GET',
      path: '/rest/v1.0/vendors/8',
      companyId: 5_000_000_001,
      query: { company_id: 5_000_000_001 },
    });
  });

  it('lists a resource under its parent record: the parent id in the path, or as the query parameter the list requires', () => {
    const rows = getResource('budget_view_detail_rows');
    expect(buildListRequest(rows, { ...project, parentId: 77 })).toEqual({
      method: 'GET',
      path: '/rest/v1.0/budget_views/77/detail_rows',
      companyId: 5_000_000_001,
      query: { project_id: 6_000_000_002 },
    });
    expect(buildListRequest(getResource('change_order_requests'), { ...project, parentId: 88 }).query).toEqual({ project_id: 6_000_000_002, contract_id: 88 });
    expect(() => buildListRequest(rows, project)).toThrow('budget_view_detail_rows is listed per budget_view_id: a parentId is required');
    expect(buildParentListRequest(rows, project)).toEqual({
      method: 'GET',
      path: '/rest/v1.0/budget_views',
      companyId: 5_000_000_001,
      query: { project_id: 6_000_000_002 },
    });
  });

  it('sends the ids Procore wants beside the wrapper out of the data, top-level', () => {
    expect(buildWriteRequest(getResource('potential_change_orders'), 'create', project, { contract_id: 5, title: 'PCO' }).body).toEqual({
      project_id: 6_000_000_002,
      contract_id: 5,
      change_order: { title: 'PCO' },
    });
    expect(buildWriteRequest(getResource('timecard_entries'), 'update', company, { project_id: 6, hours: '8' }, 4)).toMatchObject({
      path: '/rest/v1.0/companies/5000000001/timecard_entries/4',
      body: { project_id: 6, timecard_entry: { hours: '8' } },
    });
  });

  it('sends what each operation declares: scope ids outside the path, views, body types, verbs', () => {
    // The delete path carries the project: no project_id query parameter besides.
    expect(buildWriteRequest(getResource('observations'), 'delete', project, {}, 9)).toEqual({
      method: 'DELETE',
      path: '/rest/v1.0/projects/6000000002/observations/items/9',
      companyId: 5_000_000_001,
    });
    // Projects' sync declares company_id as a query parameter; its body is the updates.
    expect(buildBatchUpsertRequest(getResource('projects'), company, [{ origin_id: 'P-1', name: 'HQ' }])).toMatchObject({
      method: 'PATCH',
      query: { company_id: 5_000_000_001 },
      body: { updates: [{ origin_id: 'P-1', name: 'HQ' }] },
    });
    expect(buildListRequest(getResource('work_order_contracts'), project).query).toEqual({ project_id: 6_000_000_002, view: 'extended' });
    expect(buildWriteRequest(getResource('company_users'), 'update', company, { last_name: 'Kim' }, 3)).toMatchObject({
      bodyType: 'multipart/form-data',
      body: { user: { last_name: 'Kim' } },
    });
    expect(buildWriteRequest(getResource('company_users'), 'create', company, { last_name: 'Kim' }).bodyType).toBeUndefined();
    // A sync declared as POST (budget line items) is sent as POST.
    const postSync = { ...getResource('work_order_contracts'), requests: { batchUpsert: { method: 'POST' as const } } };
    expect(buildBatchUpsertRequest(postSync, project, [{ id: 1 }]).method).toBe('POST');
  });

  it('builds the pull list and the origin_id lookup from the registry', () => {
    expect(buildPullListRequest(getResource('work_order_contracts'), project, 'a...b').query).toEqual({
      project_id: 6_000_000_002,
      view: 'extended',
      'filters[updated_at]': 'a...b',
      'filters[include_deleted]': 'with',
    });
    expect(buildPullListRequest(getResource('rfis'), project, 'a...b').query).toEqual({ 'filters[updated_at]': 'a...b' });
    expect(buildOriginLookupRequest(getResource('vendors'), company, 'ERP-1').query).toEqual({
      company_id: 5_000_000_001,
      view: 'extended',
      'filters[origin_id]': 'ERP-1',
      page: 1,
      per_page: 100,
    });
    expect(() => buildOriginLookupRequest(getResource('rfis'), project, 'X')).toThrow('rfis records carry no origin_id');
  });

  it("puts each sync item's address first (a multipart array item must lead with a key every item has)", () => {
    const request = buildBatchUpsertRequest(getResource('company_users'), company, [
      { last_name: 'A', origin_id: 'U-1' },
      { email_address: 'b@x', origin_id: 'U-2' },
    ]);
    expect((request.body as { updates: object[] }).updates.map((item) => Object.keys(item)[0])).toEqual(['origin_id', 'origin_id']);
  });

  it("sends a sync's items under the key and verb it declares, and its per-call fields where its scope ids go", () => {
    expect(buildBatchUpsertRequest(getResource('budget_line_items'), project, [{ id: 7, original_budget_amount: 10 }])).toEqual({
      method: 'POST',
      path: '/rest/v1.0/budget_line_items/sync',
      companyId: 5_000_000_001,
      body: { project_id: 6_000_000_002, budget_line_items: [{ id: 7, original_budget_amount: 10 }] },
      idempotent: true,
    });
    // Standard cost codes: `{"company_id", "standard_cost_code_list_id", "updates"}` (the sync declares only `view`).
    const standard = buildBatchUpsertRequest(getResource('standard_cost_codes'), company, [
      { origin_id: 'SC-1', code: '01', standard_cost_code_list_id: 4 },
      { origin_id: 'SC-2', code: '02', standard_cost_code_list_id: 4 },
    ]);
    expect(standard).toMatchObject({ method: 'PATCH', path: '/rest/v1.0/standard_cost_codes/sync', query: { view: 'extended' } });
    expect(standard.body).toEqual({
      company_id: 5_000_000_001,
      standard_cost_code_list_id: 4,
      updates: [
        { origin_id: 'SC-1', code: '01' },
        { origin_id: 'SC-2', code: '02' },
      ],
    });
    // Sub job cost codes: project_id and sub_job_id are query parameters of the sync.
    const subJob = buildBatchUpsertRequest(getResource('sub_job_cost_codes'), project, [{ origin_id: 'CC-1', code: '1', sub_job_id: 9 }]);
    expect(subJob).toMatchObject({ query: { project_id: 6_000_000_002, sub_job_id: '9' }, body: { updates: [{ origin_id: 'CC-1', code: '1' }] } });
    expect(() =>
      buildBatchUpsertRequest(getResource('standard_cost_codes'), company, [
        { origin_id: 'SC-1', standard_cost_code_list_id: 4 },
        { origin_id: 'SC-2', standard_cost_code_list_id: 5 },
      ]),
    ).toThrow('every item must carry the same standard_cost_code_list_id');
  });
});
