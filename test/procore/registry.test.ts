// The resource registry against Procore's published endpoint list, and the request builders.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RESOURCE_NAMES } from '../../functions/commons/resources/names';
import {
  buildListRequest,
  buildShowRequest,
  buildBatchUpsertRequest,
  buildWriteRequest,
  getResource,
  listResources,
  resourcePath,
} from '../../functions/commons/resources/registry';

const endpoints = new Set(
  readFileSync(path.join(__dirname, '../../docs/procore-endpoints.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .slice(1)
    .map((line) => {
      const [, method, endpointPath] = line.split('\t');
      return `${method} ${endpointPath}`;
    }),
);

const METHODS = { list: 'GET', show: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE', batchUpsert: 'PATCH' } as const;

describe('resource registry', () => {
  it('has one entry per resource name', () => {
    expect(listResources().map((r) => r.name)).toEqual([...RESOURCE_NAMES]);
  });

  it.each(listResources().map((r) => [r.name, r] as const))('%s: every path and method is a published Procore operation', (_name, resource) => {
    const used = Object.entries(resource.paths).map(([operation, template]) => `${METHODS[operation as keyof typeof METHODS]} ${template}`);
    expect(used.filter((operation) => !endpoints.has(operation))).toEqual([]);
    expect(resource.paths.list).toContain(`/rest/${resource.apiVersion}/`);
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
    });
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
});
