// Company and project ids beyond 2^53 in Procore's discovery answers (issue 13, rule 4). The
// Procore client reads answers with parseExactJson, which keeps such an id as its exact digits; a
// JS number cannot hold it, so discovery refuses that company or project (logged with its reason,
// counted) instead of rounding it into another one's id, and the others sync as usual.
import { readProcoreId } from '../../functions/commons/contracts/procore-id';
import { parseExactJson } from '../../functions/commons/json/exact-json';
import type { LoggerLike } from '../../functions/commons/observability/logger';
import { discoverCompanies } from '../../functions/pull/discovery/discover-companies';
import { discoverProjects } from '../../functions/pull/discovery/discover-projects';
import { registryListSpecs } from '../../functions/pull/list-spec';
import { SyncConfigSchema } from '../../functions/pull/sync-config';

const BIG = '9007199254740993123';

/** A Procore client whose one list page is this answer text, read as the real client reads it. */
const answering = (text: string) => ({
  async *pages(req: { perPage: number }) {
    yield { items: parseExactJson(text) as unknown[], page: 1, perPage: req.perPage, hasNext: false };
  },
});

function recorder() {
  const errors: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  const metrics: Record<string, number> = {};
  const logger: LoggerLike = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, fields) => errors.push({ message, fields }),
  };
  return { errors, metrics, logger, countMetric: (name: string, value: number) => (metrics[name] = (metrics[name] ?? 0) + value) };
}

describe('ids from Procore', () => {
  it('reads a safe integer and refuses, with a reason, what a number cannot hold or is no id', () => {
    expect(readProcoreId(42)).toEqual({ ok: true, id: 42 });
    expect(readProcoreId((parseExactJson(`[${BIG}]`) as unknown[])[0])).toEqual({
      ok: false,
      reason: `id ${BIG} is beyond 2^53-1: a JavaScript number cannot hold it exactly`,
    });
    expect(readProcoreId('42')).toEqual({ ok: false, reason: 'id "42": must be a number' });
    expect(readProcoreId(undefined)).toEqual({ ok: false, reason: 'id undefined: required' });
    expect(readProcoreId(1.5)).toMatchObject({ ok: false, reason: 'id 1.5: must be an integer' });
  });
});

describe('discovery: a company or project whose id is beyond 2^53', () => {
  it('leaves the company out, logged and counted; the others are discovered', async () => {
    const r = recorder();
    const saved: unknown[] = [];
    // The state table: no companies known yet; what discovery saves is kept.
    const send = async (command: { input: { Item?: unknown } }) => {
      if (command.input.Item) saved.push(command.input.Item);
      return {};
    };
    const table = { db: { send }, tableName: 'unused' };
    const config = SyncConfigSchema.parse({ companies: 'all', discoveryCompanyId: 7, resources: ['rfis'] });
    const procore = answering(`[{"id":7,"name":"Seven"},{"id":${BIG},"name":"Huge"},{"id":8,"name":"Eight"}]`);
    const discovery = await discoverCompanies(config, {
      procore: procore as never,
      table: table as never,
      logger: r.logger,
      countMetric: r.countMetric,
      now: () => 0,
    });
    expect(discovery.companies).toEqual([7, 8]);
    expect(saved).toEqual([expect.objectContaining({ ids: [7, 8] })]);
    expect(r.metrics).toEqual({ DiscoveredIdsRefused: 1 });
    expect(r.errors).toEqual([
      {
        message: 'Procore listed a company whose id the connector cannot use; it is not synced',
        fields: { askedFrom: 7, what: 'company', reason: `id ${BIG} is beyond 2^53-1: a JavaScript number cannot hold it exactly` },
      },
    ]);
  });

  it('leaves the project out, logged and counted; the other projects are discovered', async () => {
    const r = recorder();
    const config = SyncConfigSchema.parse({ resources: ['rfis'] });
    const procore = answering(`[{"id":${BIG},"active":true},{"id":5,"active":false}]`);
    const projects = await discoverProjects(11, config, {
      procore: procore as never,
      resources: registryListSpecs,
      logger: r.logger,
      countMetric: r.countMetric,
    });
    expect(projects).toEqual([{ id: 5, active: false }]);
    expect(r.metrics).toEqual({ DiscoveredIdsRefused: 1 });
    expect(r.errors[0]?.fields).toEqual({ companyId: 11, what: 'project', reason: `id ${BIG} is beyond 2^53-1: a JavaScript number cannot hold it exactly` });
  });
});
