import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scheduleExpressionProblem } from '../../lib/config/schedule-expression';
import { loadStageConfig, StageConfigError } from '../../lib/config/stage-config';
import { buildConnectorApp } from '../../lib/connector-app';
import { cdkJsonContext, filledInContext, PRODUCTION_FILLED_IN, PROJECT_ROOT } from './synth';

function withSandbox(change: (config: Record<string, any>) => void) {
  const context = structuredClone(cdkJsonContext());
  change(context.stages.sandbox);
  return { stage: 'sandbox', stages: context.stages };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StageConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a StageConfigError');
}

describe('stage config (cdk.json context)', () => {
  it('accepts the shipped sandbox stage, and production once its placeholders are filled in, filling defaults', () => {
    const sandbox = loadStageConfig({ stage: 'sandbox', stages: cdkJsonContext().stages });
    const production = loadStageConfig({ stage: 'production', stages: filledInContext().stages });
    expect(sandbox.config.procore).toEqual({ name: 'sandbox' });
    expect(sandbox.config.sync.schedule).toBe('rate(1 hour)');
    expect(sandbox.config.account).toBeUndefined();
    expect(production.config.push.fifo).toBe(true);
    expect(production.config).toMatchObject(PRODUCTION_FILLED_IN);
    expect(production.config.pullWorker).toEqual({ maxConcurrency: 4, maxReceiveCount: 5, maxContinuations: 100 });
  });

  it('defaults to the sandbox stage', () => {
    expect(loadStageConfig({ stages: cdkJsonContext().stages }).stage).toBe('sandbox');
  });

  it('names the field of an invalid schedule', () => {
    const message = errorOf(() => loadStageConfig(withSandbox((c) => (c.sync.schedule = 'every hour'))));
    expect(message).toMatch(/^stages\.sandbox\.sync\.schedule: "every hour": must be rate\(/);
  });

  it('names the field of an unknown resource', () => {
    const message = errorOf(() => loadStageConfig(withSandbox((c) => (c.sync.resources = ['rfis', 'invoices']))));
    expect(message).toContain('stages.sandbox.sync.resources.1: unknown resource "invoices"');
  });

  it('refuses to pull a push-only resource (Procore declares no list for it)', () => {
    const message = errorOf(() => loadStageConfig(withSandbox((c) => (c.sync.resources = ['rfis', 'budget_line_items']))));
    expect(message).toContain('stages.sandbox.sync.resources.1: budget_line_items is push-only (Procore declares no list for it): it cannot be pulled');
  });

  it('reports every bad field at once', () => {
    const message = errorOf(() =>
      loadStageConfig(
        withSandbox((c) => {
          c.dmsaSecret = 'arn:aws:s3:::not-a-secret';
          c.push.maxConcurrency = 1;
          c.alarmEmail = 'nobody';
        }),
      ),
    );
    expect(message).toContain('stages.sandbox.dmsaSecret: must be a Secrets Manager secret name or a complete secret ARN');
    expect(message).toContain('stages.sandbox.push.maxConcurrency:');
    expect(message).toContain('stages.sandbox.alarmEmail:');
  });

  it('rejects settings SQS and Lambda would refuse at deploy time', () => {
    expect(errorOf(() => loadStageConfig(withSandbox((c) => Object.assign(c.push, { fifo: true, batchSize: 20 }))))).toContain(
      'stages.sandbox.push.batchSize: a FIFO queue allows at most 10 messages per batch',
    );
    expect(errorOf(() => loadStageConfig(withSandbox((c) => Object.assign(c.push, { batchSize: 100, maxBatchingWindowSeconds: 0 }))))).toContain(
      'stages.sandbox.push.maxBatchingWindowSeconds: batchSize above 10 needs a batching window',
    );
  });

  it('leaves discoveryCompanyId optional, also with companies "all"; a real id is kept', () => {
    expect(loadStageConfig(withSandbox((c) => delete c.sync.discoveryCompanyId)).config.sync.discoveryCompanyId).toBeUndefined();
    expect(loadStageConfig(withSandbox((c) => (c.sync.discoveryCompanyId = 4294967311))).config.sync.discoveryCompanyId).toBe(4294967311);
    expect(loadStageConfig(withSandbox((c) => delete c.sync.discoveryCompanyId)).config.sync).toMatchObject({ companies: 'all', projectStatus: 'all' });
    expect(errorOf(() => loadStageConfig(withSandbox((c) => Object.assign(c.sync, { projectStatus: 'closed' }))))).toMatch(
      /^stages\.sandbox\.sync\.projectStatus:/,
    );
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    expect(errorOf(() => loadStageConfig(withSandbox((c) => (c.pullWorker.maxConcurency = 3))))).toMatch(
      /^stages\.sandbox\.pullWorker: Unrecognized key.*maxConcurency/,
    );
  });

  it('explains a missing or unknown stage', () => {
    expect(errorOf(() => loadStageConfig({ stage: 'staging', stages: {} }))).toBe('stage: must be one of sandbox, production (got "staging")');
    expect(errorOf(() => loadStageConfig({ stage: 'production', stages: {} }))).toBe('stages.production: missing; add it to the "context" of cdk.json');
  });

  it('accepts a custom Procore environment (the local simulator)', () => {
    const { config } = loadStageConfig(
      withSandbox((c) => (c.procore = { name: 'custom', loginUrl: 'http://127.0.0.1:4010/', apiUrl: 'http://127.0.0.1:4010' })),
    );
    expect(config.procore).toEqual({ name: 'custom', loginUrl: 'http://127.0.0.1:4010', apiUrl: 'http://127.0.0.1:4010' });
  });

  it('stops the CDK app before any construct exists', () => {
    const context = withSandbox((c) => (c.sync.schedule = 'rate(5 minute)'));
    expect(errorOf(() => buildConnectorApp({ context }))).toBe('stages.sandbox.sync.schedule: "rate(5 minute)": use the plural unit for 5: rate(5 minutes)');
  });

  it('bin/app.ts exits with the message naming the field (as `cdk synth` shows it)', () => {
    const context = withSandbox((c) => (c.sync.resources = ['rfis', 'invoices']));
    const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-invalid-'));
    const result = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      encoding: 'utf8',
    });
    rmSync(outdir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid stage configuration in cdk.json:\nstages.sandbox.sync.resources.1: unknown resource "invoices"');
  });
});

describe('EventBridge schedule expressions', () => {
  it.each(['rate(1 minute)', 'rate(15 minutes)', 'rate(1 day)', 'cron(0/15 * * * ? *)', 'cron(0 6 ? * MON-FRI *)', 'cron(30 2 1 * ? 2027)'])(
    'accepts %s',
    (expression) => expect(scheduleExpressionProblem(expression)).toBeUndefined(),
  );

  it.each([
    ['rate(0 minutes)', 'rate value must be 1 or more'],
    ['rate(1 hours)', 'use the singular unit for 1: rate(1 hour)'],
    ['rate(2 week)', 'must be rate('],
    ['cron(0 * * * *)', 'cron needs 6 fields'],
    ['cron(0 * * * * *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(0 25h * * ? *)', 'cron field hours "25h" is not valid'],
    ['0 * * * ? *', 'must be rate('],
  ])('rejects %s', (expression, problem) => expect(scheduleExpressionProblem(expression)).toContain(problem));
});
