// Every request the connector can build is a declared one: method, path, each query parameter and
// the body content type are declared for that operation in docs/procore-endpoints.tsv. The request
// builders are driven through the real client (its HTTP replaced by a recorder) for every resource and
// every operation, pull and push: list, pull window, show, create with and without originId, update,
// delete, batch upsert, origin_id lookup; and the token request. Discovery and the CLI's check-credentials run against the
// simulator, which refuses (and logs) anything undeclared. A failure names the request and what is
// not declared. Resources declared in a stage config are exercised the same way.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { checkCredentials } from '../../cli/credentials/credential-check';
import { ProcoreHooks } from '../../cli/webhooks/procore-hooks';
import type { PushMessage } from '../../functions/commons/contracts/push-message';
import { ProcoreClient } from '../../functions/commons/procore/client';
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import { RatePacer } from '../../functions/commons/procore/rate-pacer';
import type { HttpTransport } from '../../functions/commons/procore/http';
import type { TokenProvider } from '../../functions/commons/procore/token-provider';
import * as builders from '../../functions/commons/resources/request-builders';
import { declareResources, listResources, type ResourceDefinition, type ResourceOperation } from '../../functions/commons/resources/registry';
import { registryListSpecs } from '../../functions/pull/list-spec';
import { planSync } from '../../functions/pull/plan-sync';
import { SyncConfigSchema } from '../../functions/pull/sync-config';
import { applyPushMessage, findByProcoreOriginId } from '../../functions/push/apply-push-message';
import type { ApplyDeps, PushWrite } from '../../functions/push/push-write';
import { applyBatchUpserts } from '../../functions/push/batch-upsert';
import type { PushOriginMap } from '../../functions/push/state/origin-map';
import { createStateTable } from '../../local/create-state-table';
import { addGenericResource, DeclaredOperations, startSimulator } from '../../simulator';
import { HAZARDS, WORK_CLASSIFICATIONS } from '../support/declared-resources';

const operations = DeclaredOperations.fromFile();

// Resources declared in a stage config are built by the same builders: two of them (an incremental
// one and a content-hash one) ride along, and the simulator serves them from the operations file.
declareResources([
  { name: 'hazards', ...HAZARDS },
  { name: 'work_classifications', ...WORK_CLASSIFICATIONS },
]);
addGenericResource({ name: 'hazards', collection: HAZARDS.paths.list, wrapperKey: 'hazard' });
addGenericResource({ name: 'work_classifications', collection: WORK_CLASSIFICATIONS.paths.list, wrapperKey: 'work_classification' });
const COMPANY = 4_294_967_311;
const PROJECT = 4_294_967_322;
const RECORD = 4_294_967_333;

interface Recorded {
  site: string;
  method: string;
  path: string;
  query: string[];
  contentType?: string;
}

/** A real ProcoreClient whose HTTP is a recorder answering 200 with an empty list or a bare record. */
function recordingClient() {
  const recorded: Recorded[] = [];
  let site = '';
  const http = {
    request: async (config: { method: string; url: string; headers?: Record<string, string>; data?: unknown }) => {
      const url = new URL(config.url);
      const contentType = config.data instanceof FormData ? 'multipart/form-data' : config.data === undefined ? undefined : config.headers?.['Content-Type'];
      recorded.push({
        site,
        method: config.method.toUpperCase(),
        path: url.pathname,
        query: [...url.searchParams.keys()],
        ...(contentType ? { contentType } : {}),
      });
      // The hooks list answers one hook, so reading it goes on to its triggers.
      const hooksList = url.pathname === '/rest/v1.0/webhooks/hooks' ? [{ id: RECORD, destination_url: 'https://receiver.test/events' }] : [];
      const body = config.method.toUpperCase() === 'GET' ? hooksList : { id: RECORD, entities: [], errors: [] };
      return { status: 200, headers: {}, data: JSON.stringify(body) };
    },
  } as unknown as HttpTransport;
  const tokens = { getToken: async () => 'token', invalidate: () => undefined } as unknown as TokenProvider;
  const client = new ProcoreClient({
    environment: { name: 'custom', loginUrl: 'https://login.test', apiUrl: 'https://api.test' },
    tokens,
    pacer: new RatePacer(),
    http,
    maxAttempts: 1,
  });
  return {
    client,
    http,
    recorded,
    /** Runs `work` as `label`, keeping its requests; an error after them (empty answers) is expected. */
    async at(label: string, work: () => Promise<unknown>): Promise<void> {
      site = label;
      await work().catch(() => undefined);
    },
  };
}

const originMap = { get: async () => undefined, put: async () => undefined, delete: async () => undefined } as unknown as PushOriginMap;

const PARENT = 4_294_967_344;

function scopeOf(resource: ResourceDefinition) {
  return resource.scope === 'project' ? { companyId: COMPANY, projectId: PROJECT } : { companyId: COMPANY };
}

/** The list's scope: with a parent id for lists served under a parent record. */
function listScopeOf(resource: ResourceDefinition) {
  return { ...scopeOf(resource), ...(resource.parent ? { parentId: PARENT } : {}) };
}

function message(resource: ResourceDefinition, fields: Partial<PushMessage> & Pick<PushMessage, 'operation'>): PushMessage {
  return {
    version: 1,
    id: `msg-${randomUUID()}`,
    companyId: COMPANY,
    ...(resource.scope === 'project' ? { projectId: PROJECT } : {}),
    resource: resource.name,
    ...(fields.operation === 'delete' ? {} : { data: { name: 'x' } }),
    ...fields,
  } as PushMessage;
}

/** The list, a pull window and the parents' list (push-only resources have none). */
async function exerciseLists(
  resource: ResourceDefinition,
  rec: ReturnType<typeof recordingClient>,
  syncScope: { companyId: number; projectId: number | null; resource: string },
): Promise<void> {
  const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z', basis: 'cursor' as const };
  const drain = async (pages: AsyncGenerator<unknown>) => {
    for await (const _ of pages);
  };
  const list = builders.buildListRequest(resource, listScopeOf(resource));
  const pullWindow = registryListSpecs(resource.name).pullRequest(syncScope, window, resource.parent ? PARENT : undefined);
  if (resource.paged === false) {
    // The list declares no page/per_page: read in one request.
    await rec.at(`${resource.name} list`, () => rec.client.request(list));
    await rec.at(`${resource.name} pull window`, () => rec.client.request(pullWindow));
  } else {
    await rec.at(`${resource.name} list`, () => drain(rec.client.pages({ ...list, perPage: resource.maxPerPage })));
    await rec.at(`${resource.name} pull window`, () => drain(rec.client.pages({ ...pullWindow, perPage: resource.maxPerPage, startPage: 3 })));
  }
  if (resource.parent) {
    const parents = registryListSpecs(resource.name).parentsRequest!(syncScope);
    await rec.at(`${resource.name} parents`, () => drain(rec.client.pages({ ...parents, perPage: resource.maxPerPage })));
  }
}

/** Every request the connector builds for one resource, through the code that builds it. */
async function exercise(resource: ResourceDefinition, rec: ReturnType<typeof recordingClient>): Promise<void> {
  const scope = scopeOf(resource);
  const deps: ApplyDeps = { procore: rec.client, originMap };
  const deadline = Date.now() + 10_000;
  const write = (m: PushMessage): PushWrite => ({ message: m, resource, scope });
  const syncScope = { companyId: COMPANY, projectId: resource.scope === 'project' ? PROJECT : null, resource: resource.name };

  if (resource.paths.list) await exerciseLists(resource, rec, syncScope);
  if (resource.paths.show) await rec.at(`${resource.name} show`, () => rec.client.request(builders.buildShowRequest(resource, scope, RECORD)));
  await rec.at(`${resource.name} create`, () => applyPushMessage(deps, write(message(resource, { operation: 'create' })), deadline));
  await rec.at(`${resource.name} create with originId`, () =>
    applyPushMessage(deps, write(message(resource, { operation: 'create', originId: 'ERP-1' })), deadline),
  );
  await rec.at(`${resource.name} update`, () => applyPushMessage(deps, write(message(resource, { operation: 'update', procoreId: RECORD })), deadline));
  await rec.at(`${resource.name} update by originId`, () =>
    applyPushMessage(deps, write(message(resource, { operation: 'update', originId: 'ERP-1' })), deadline),
  );
  await rec.at(`${resource.name} origin_id lookup`, () => findByProcoreOriginId(deps, resource, scope, 'ERP-1', deadline));
  if (resource.paths.delete) {
    await rec.at(`${resource.name} delete`, () => applyPushMessage(deps, write(message(resource, { operation: 'delete', procoreId: RECORD })), deadline));
  }
  if (resource.paths.batchUpsert) {
    const upserts = [message(resource, { operation: 'upsert', originId: 'ERP-2' }), message(resource, { operation: 'upsert', procoreId: RECORD })];
    for (const upsert of upserts) {
      await rec.at(`${resource.name} batch upsert`, () =>
        applyBatchUpserts(deps, [{ key: 'a', ...write(upsert), message: upsert as Extract<PushMessage, { operation: 'upsert' }> }], deadline),
      );
    }
  }
}

/** Every Webhooks API call of `connector webhooks plan|apply|status`. */
async function exerciseWebhooks(rec: ReturnType<typeof recordingClient>): Promise<void> {
  const hooks = new ProcoreHooks(rec.client, 10_000);
  const desired = { destinationUrl: 'https://receiver.test/events', authorization: 'secret', triggers: [{ resourceName: 'RFIs', eventType: 'create' }] };
  await rec.at('webhooks read hooks and triggers', () => hooks.read(COMPANY));
  await rec.at('webhooks create hook', () => hooks.createHook(COMPANY, desired));
  await rec.at('webhooks update hook', () => hooks.updateHook(COMPANY, RECORD, desired, ['destination_url', 'authorization', 'api_version']));
  await rec.at('webhooks delete hook', () => hooks.deleteHook(COMPANY, RECORD));
  await rec.at('webhooks create triggers', () => hooks.createTriggers(COMPANY, RECORD, desired.triggers));
  await rec.at('webhooks delete triggers', () => hooks.deleteTriggers(COMPANY, RECORD, [RECORD]));
  await rec.at('webhooks deliveries', () => hooks.deliveries(COMPANY, RECORD, { status: 'failing', pageSize: 20 }));
}

/** What the operations file does not declare about a recorded request, or undefined. */
function problem(request: Recorded): string | undefined {
  const refusal = operations.check({
    method: request.method,
    path: request.path,
    queryParams: request.query,
    ...(request.contentType ? { contentType: request.contentType } : {}),
  });
  return refusal && `${request.site}: ${refusal.reason}`;
}

describe('requests the connector builds, against docs/procore-endpoints.tsv', () => {
  const rec = recordingClient();

  beforeAll(async () => {
    const { TokenProvider } = await import('../../functions/commons/procore/token-provider');
    const environment = { name: 'custom' as const, loginUrl: 'https://login.test', apiUrl: 'https://api.test' };
    const credentials = { get: async () => ({ clientId: 'id', clientSecret: 'secret' }) };
    await rec.at('token', () => new TokenProvider({ environment, credentials, http: rec.http }).getToken({ deadline: Date.now() + 1000 }));
    for (const resource of listResources()) await exercise(resource, rec);
    await exerciseWebhooks(rec);
  });

  it('are all declared: method and path, every query parameter, the body content type', () => {
    expect(rec.recorded.map(problem).filter(Boolean)).toEqual([]);
    expect(rec.recorded.filter((r) => r.site === 'token').map((r) => `${r.method} ${r.path} ${r.contentType}`)).toContain('POST /oauth/token application/json');
  });

  it.each(listResources().map((r) => [r.name, r] as const))('%s: every operation of the registry was built and sent', (_name, resource) => {
    const sent = new Set(rec.recorded.map((r) => `${r.method} ${operations.match(r.method, r.path)?.path}`));
    const methods: Record<ResourceOperation, string> = {
      list: 'GET',
      show: 'GET',
      create: 'POST',
      update: 'PATCH',
      delete: 'DELETE',
      batchUpsert: resource.requests?.batchUpsert?.method ?? 'PATCH',
    };
    const missing = (Object.entries(resource.paths) as [ResourceOperation, string][])
      .map(([op, template]) => `${methods[op]} ${template}`)
      .filter((op) => !sent.has(op));
    expect(missing).toEqual([]);
  });

  it('sends every Webhooks API operation the CLI uses', () => {
    const sent = rec.recorded.filter((r) => r.site.startsWith('webhooks')).map((r) => `${r.method} ${operations.match(r.method, r.path)?.path}`);
    expect(new Set(sent)).toEqual(
      new Set([
        'GET /rest/v1.0/webhooks/hooks',
        'GET /rest/v1.0/webhooks/hooks/{hook_id}/triggers',
        'POST /rest/v1.0/webhooks/hooks',
        'PATCH /rest/v1.0/webhooks/hooks/{id}',
        'DELETE /rest/v1.0/webhooks/hooks/{id}',
        'POST /rest/v1.0/webhooks/hooks/{hook_id}/triggers/bulk',
        'DELETE /rest/v1.0/webhooks/hooks/{hook_id}/triggers/bulk',
        'GET /rest/v1.0/webhooks/hooks/{hook_id}/deliveries',
      ]),
    );
  });

  it('covers every request builder', () => {
    const exported = Object.keys(builders)
      .filter((name) => name.startsWith('build'))
      .sort();
    // Each is reached above: list/pull/lookup/show directly or through pull and push code.
    expect(exported).toEqual([
      'buildBatchUpsertRequest',
      'buildListRequest',
      'buildOriginLookupRequest',
      'buildParentListRequest',
      'buildPullListRequest',
      'buildShowRequest',
      'buildWriteRequest',
    ]);
  });

  it('sends a body only as declared: multipart where only multipart is, JSON elsewhere', () => {
    const users = rec.recorded.filter((r) => r.path.includes('/rest/v1.3/companies/') && r.method === 'PATCH');
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((r) => r.contentType === 'multipart/form-data')).toBe(true);
    expect(rec.recorded.filter((r) => r.contentType === 'multipart/form-data').every((r) => users.includes(r))).toBe(true);
  });

  it('catches an undeclared query parameter and names it', () => {
    expect(problem({ site: 'rfis pull window', method: 'GET', path: `/rest/v1.0/projects/${PROJECT}/rfis`, query: ['filters[include_deleted]', 'page'] })).toBe(
      'rfis pull window: GET /rest/v1.0/projects/{project_id}/rfis does not declare the query parameter filters[include_deleted] (declared: page, per_page, filters[id], filters[status], filters[assigned_id], filters[created_at], filters[responsible_contractor_id], filters[cost_code_id], filters[received_from_login_information_id], filters[ball_in_court_id], filters[location_id], filters[updated_at], filters[rfi_manager_id], search, sort[attribute], sort[direction])',
    );
  });
});

describe('discovery and check-credentials, against the simulator that refuses the undeclared', () => {
  it('plan and check-credentials send only declared requests', async () => {
    const sim = await startSimulator({ data: { companies: 2, projectsPerCompany: 2, recordsPerResource: 2 } });
    try {
      const environment = resolveProcoreEnvironment({ name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl });
      const credentials = { get: async () => ({ clientId: sim.clientId, clientSecret: sim.clientSecret }), description: 'test' };
      const installed = sim.store.companies().filter((c) => c.installed);
      const report = await checkCredentials({ environment, credentials, resources: listResources(), discoveryCompanyId: installed[0]!.id });
      expect(report.ok).toBe(true);

      const dynamo = new DynamoDBClient({});
      const tableName = `declared-${randomUUID().slice(0, 8)}`;
      await createStateTable(dynamo, tableName);
      const sqs = new SQSClient({});
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `declared-${randomUUID().slice(0, 8)}` }));
      const { TokenProvider } = await import('../../functions/commons/procore/token-provider');
      const client = new ProcoreClient({ environment, tokens: new TokenProvider({ environment, credentials }), pacer: new RatePacer() });
      const config = SyncConfigSchema.parse({
        companies: 'all',
        discoveryCompanyId: installed[0]!.id,
        resources: listResources()
          .filter((r) => r.paths.list)
          .map((r) => r.name),
      });
      const planned = await planSync(config, '2026-01-15T12:00:00Z', {
        procore: client,
        sqs,
        table: { db: DynamoDBDocumentClient.from(dynamo), tableName },
        syncJobsQueueUrl: QueueUrl!,
        resources: registryListSpecs,
        logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      expect(planned.enqueued).toBeGreaterThan(0);

      const rest = sim.requests().filter((r) => r.path.startsWith('/api/rest/'));
      expect(rest.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/rest/v1.0/companies', '/api/rest/v1.0/projects']));
      expect(rest.filter((r) => r.refusal).map((r) => `${r.method} ${r.path}: ${r.refusal!.reason}`)).toEqual([]);
      expect(rest.every((r) => r.status === 200)).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
