// Resources declared in the stage config (cdk.json `stages.<stage>.resources`): validated by the
// same schema as the built-in ones, every request they lead to checked against Procore's
// operations file at synth, each problem naming the field; a valid one reaches every function.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadStageConfig, StageConfigError } from '../../lib/config/stage-config';
import { HAZARDS, WORK_CLASSIFICATIONS } from '../support/declared-resources';
import { cdkJsonContext, PROJECT_ROOT, removeSynthOutputs, synthStage } from './synth';

type Change = (config: Record<string, any>) => void;

/** The sandbox stage with hazards and work classifications declared and pulled, then `change`. */
function declaring(change: Change = () => undefined): Change {
  return (c) => {
    c.resources = { hazards: structuredClone(HAZARDS), work_classifications: structuredClone(WORK_CLASSIFICATIONS) };
    c.sync.resources = [...c.sync.resources, 'hazards', 'work_classifications'];
    change(c);
  };
}

function load(change: Change) {
  const context = structuredClone(cdkJsonContext());
  change(context.stages.sandbox);
  return loadStageConfig({ stage: 'sandbox', stages: context.stages });
}

function problems(change: Change): string[] {
  try {
    load(change);
  } catch (error) {
    expect(error).toBeInstanceOf(StageConfigError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected a StageConfigError');
}

afterAll(removeSynthOutputs);

describe('resources declared in the stage config', () => {
  it('parses with the defaults of the built-in ones filled in', () => {
    const { config } = load(declaring());
    expect(config.resources.hazards).toMatchObject({
      idField: 'id',
      timestampField: 'updated_at',
      changeDetection: 'updated_at',
      maxPerPage: 1000,
      listQuery: [],
    });
    expect(config.resources.work_classifications).toMatchObject({ changeDetection: 'content-hash', fullListingMinutes: 360, incremental: false });
    expect(config.sync.resources).toContain('hazards');
  });

  it.each<[string, Change, string]>([
    [
      'an undeclared list path',
      (c) => (c.resources.hazards.paths.list = '/rest/v1.0/companies/{company_id}/hazardz'),
      'stages.sandbox.resources.hazards.paths.list: GET /rest/v1.0/companies/{company_id}/hazardz not declared in docs/procore-endpoints.tsv',
    ],
    [
      'an undeclared method (no sync for hazards)',
      (c) => (c.resources.hazards.paths.batchUpsert = '/rest/v1.0/companies/{company_id}/hazards/sync'),
      'stages.sandbox.resources.hazards.paths.batchUpsert: PATCH /rest/v1.0/companies/{company_id}/hazards/sync not declared',
    ],
    [
      'an undeclared query parameter of an operation',
      (c) => (c.resources.hazards.requests = { list: { query: { view: 'extended' } } }),
      'stages.sandbox.resources.hazards.requests.list.query.view: GET /rest/v1.0/companies/{company_id}/hazards does not declare the query parameter view',
    ],
    [
      'incremental on a list without filters[updated_at]',
      (c) => Object.assign(c.resources.work_classifications, { incremental: true, changeDetection: 'updated_at' }),
      'stages.sandbox.resources.work_classifications.incremental: GET /rest/v1.0/companies/{company_id}/work_classifications does not declare the query parameter filters[updated_at]',
    ],
    [
      'a removal filter the list does not declare',
      (c) => (c.resources.hazards.removals = { kind: 'list-query', listQuery: { 'filters[by_status]': 'All' }, how: 'x' }),
      'stages.sandbox.resources.hazards.removals.listQuery.filters[by_status]: GET /rest/v1.0/companies/{company_id}/hazards does not declare the query parameter filters[by_status]',
    ],
    [
      'a body type the operation does not take',
      (c) => (c.resources.hazards.requests = { update: { body: 'multipart/form-data' } }),
      'stages.sandbox.resources.hazards.requests.update.body: PATCH /rest/v1.0/companies/{company_id}/hazards/{id} takes application/json, not multipart/form-data',
    ],
    [
      'a removal list that is not declared',
      (c) => (c.resources.hazards.removals = { kind: 'inactive-list', path: '/rest/v1.0/companies/{company_id}/hazards/inactive', how: 'x' }),
      'stages.sandbox.resources.hazards.removals.path: GET /rest/v1.0/companies/{company_id}/hazards/inactive not declared',
    ],
    ['a name of a built-in resource', (c) => (c.resources.vendors = structuredClone(HAZARDS)), 'stages.sandbox.resources.vendors: is a built-in resource'],
    ['a field the declaration does not have', (c) => (c.resources.hazards.wrapper = 'hazard'), 'stages.sandbox.resources.hazards: Unrecognized key: "wrapper"'],
    ['a bad name', (c) => (c.resources['Hazards!'] = structuredClone(HAZARDS)), 'stages.sandbox.resources.Hazards!: must be a snake_case resource name'],
    [
      'content-hash on an incremental list',
      (c) => (c.resources.hazards.changeDetection = 'content-hash'),
      'stages.sandbox.resources.hazards.changeDetection: content-hash is for lists without an updated_at filter',
    ],
    ['a pulled resource nobody declared', (c) => c.sync.resources.splice(1, 0, 'timesheets'), 'stages.sandbox.sync.resources.1: unknown resource "timesheets"'],
  ])('%s fails naming the field', (_what, change, expected) => {
    const found = problems(declaring(change));
    expect(found.some((line) => line.startsWith(expected))).toBe(true);
  });

  it('`cdk synth` (bin/app.ts) exits 1 naming the field of an undeclared path', () => {
    const context = structuredClone(cdkJsonContext());
    declaring((c) => (c.resources.hazards.paths.show = '/rest/v1.0/companies/{company_id}/hazard/{id}'))(context.stages.sandbox);
    const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-declared-'));
    const result = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...context, stage: 'sandbox' }), CDK_OUTDIR: outdir },
      encoding: 'utf8',
    });
    rmSync(outdir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'Invalid stage configuration in cdk.json:\nstages.sandbox.resources.hazards.paths.show: GET /rest/v1.0/companies/{company_id}/hazard/{id} not declared',
    );
  });

  it('reaches the planner, the worker and the push function as a bundled resources.json (RESOURCES_FILE)', () => {
    const { json } = synthStage('sandbox', { change: declaring() });
    const functions = Object.values(json.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    const handlers = functions.filter((f) => f.Properties.Environment?.Variables?.STATE_TABLE_NAME !== undefined);
    expect(handlers).toHaveLength(3);
    for (const fn of handlers) expect(fn.Properties.Environment.Variables.RESOURCES_FILE).toBe('resources.json');
  });

  it('leaves the functions as they were when the stage declares none', () => {
    const { json } = synthStage('sandbox');
    const variables = Object.values(json.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((f) => f.Properties.Environment?.Variables ?? {});
    expect(variables.some((v) => 'RESOURCES_FILE' in v)).toBe(false);
  });
});
