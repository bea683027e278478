import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadManifest, MANIFEST_PATH, manifestWarnings, parseManifest, type AppManifest } from '../../app-manifest/manifest-schema';
import {
  checkManifestPermissions,
  connectorPermissionNeeds,
  manifestPermissions,
  requiredPermissions,
  type ResourcePermissionNeed,
} from '../../app-manifest/permissions';
import { bumpManifestVersion, nextVersion } from '../../app-manifest/version';
import { listResources } from '../../functions/commons/resources/registry';
import { webhooksEnabledInAnyStage } from '../../cli/stage';
import { runCli, runCliProcess } from '../cli/run-cli';

const registry = listResources();
/** What the committed manifest must grant: the registry's tools, and Webhooks API if cdk.json turns webhooks on. */
const needs = connectorPermissionNeeds(registry, { webhooks: webhooksEnabledInAnyStage() });

describe('the committed app manifest', () => {
  it('is valid and grants exactly the tool permissions the registry needs', () => {
    const manifest = loadManifest();
    expect(manifest.name).toBe('Procore DMSA Connector');
    expect(manifest.dataConnector.components).toEqual(['service_account_authentication', 'user_level_authentication']);
    expect(manifest.instructions.pageName).toBe('Setup guide');
    expect(manifest.instructions.postInstallationNotes).toMatch(/permitted projects/i);
    expect(manifest.instructions.postInstallationNotes).toMatch(/company ID/i);
    expect(checkManifestPermissions(manifest, needs)).toEqual([]);
    expect(manifest.dataConnector.permissions).toEqual(manifestPermissions(needs));
  });

  it('passes `manifest check` (exit 0) and warns that the instructions URL is a placeholder', async () => {
    const run = await runCli(['manifest', 'check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/tool permissions match/);
    expect(run.stderr).toMatch(/instructions\.url .* placeholder/);
  });
});

describe('permissions derived from the registry', () => {
  it('takes the highest level per tool and scope, and says which resources need it', () => {
    const required = requiredPermissions(registry);
    const directory = required.company.find((p) => p.tool === 'Directory');
    expect(directory).toEqual({ scope: 'company', tool: 'Directory', level: 'admin', neededBy: ['company_users', 'vendors'] });
    expect(required.project.map((p) => p.tool)).toEqual([
      'Admin',
      'Budget',
      'Change Events',
      'Commitments',
      'Direct Costs',
      'Observations',
      'Prime Contracts',
      'RFIs',
      'Submittals',
    ]);
    expect(required.company.map((p) => p.tool)).toEqual(['Admin', 'Directory', 'Portfolio', 'Timecard']);
    expect(required.project.find((p) => p.tool === 'Commitments')?.neededBy).toEqual([
      'commitment_change_orders',
      'purchase_order_contracts',
      'requisitions',
      'work_order_contracts',
    ]);

    const mixed: ResourcePermissionNeed[] = [
      { name: 'a', permission: { tool: 'Daily Log', level: 'read_only', scope: 'project' } },
      { name: 'b', permission: { tool: 'Daily Log', level: 'standard', scope: 'project' } },
      { name: 'c', permission: { tool: 'Daily Log', level: 'read_only', scope: 'company' } },
    ];
    expect(requiredPermissions(mixed)).toEqual({
      company: [{ scope: 'company', tool: 'Daily Log', level: 'read_only', neededBy: ['c'] }],
      project: [{ scope: 'project', tool: 'Daily Log', level: 'standard', neededBy: ['a', 'b'] }],
    });
  });

  it('fails the check with "missing" when a new resource needs a tool the manifest lacks', () => {
    const withDailyLogs: ResourcePermissionNeed[] = [
      ...registry,
      { name: 'daily_logs', permission: { tool: 'Daily Log', level: 'standard', scope: 'project' } },
    ];
    expect(checkManifestPermissions(loadManifest(), withDailyLogs)).toEqual(['missing project tool Daily Log (standard) needed by daily_logs']);
  });

  it('fails when a new resource needs more of a tool than the manifest grants', () => {
    const rfiAdmin: ResourcePermissionNeed[] = [...registry, { name: 'rfi_admin', permission: { tool: 'RFIs', level: 'admin', scope: 'project' } }];
    expect(checkManifestPermissions(loadManifest(), rfiAdmin)).toEqual([
      'project tool RFIs is narrower than needed: standard < admin (needed by rfi_admin, rfis)',
    ]);
  });

  it('fails on a broader permission, a tool nobody needs and a tool listed twice', () => {
    const manifest = loadManifest();
    const broader: AppManifest = {
      ...manifest,
      dataConnector: {
        ...manifest.dataConnector,
        permissions: {
          company: [...manifest.dataConnector.permissions.company, { tool: 'Budget', level: 'read_only' }],
          project: [
            ...manifest.dataConnector.permissions.project.map((p) => (p.tool === 'RFIs' ? { ...p, level: 'admin' as const } : p)),
            { tool: 'Submittals', level: 'standard' },
          ],
        },
      },
    };
    expect(checkManifestPermissions(broader, registry)).toEqual([
      'company tool Budget is not needed by any resource',
      'project tool Submittals is listed more than once',
      'project tool RFIs is broader than needed: admin > standard',
    ]);
  });

  it('`manifest check` exits 1 and lists the problems for a manifest that grants too much', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    try {
      const file = path.join(dir, 'procore-app.json');
      const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as AppManifest;
      manifest.dataConnector.permissions.project = manifest.dataConnector.permissions.project.map((p) =>
        p.tool === 'Observations' ? { ...p, level: 'admin' } : p,
      );
      writeFileSync(file, JSON.stringify(manifest));
      const run = await runCli(['manifest', 'check', '--manifest', file]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('project tool Observations is broader than needed: admin > standard');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the permissions as an aligned table', async () => {
    const run = await runCli(['manifest', 'permissions']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SCOPE\s+TOOL\s+LEVEL\s+NEEDED BY$/);
    expect(lines).toContainEqual(expect.stringMatching(/^project\s+RFIs\s+Standard\s+rfis$/));
    const toolColumn = lines.map((line) => line.indexOf(line.split(/\s{2,}/)[1] ?? ''));
    expect(new Set(toolColumn).size).toBe(1);
  });
});

describe('the Webhooks API permission', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'manifest-webhooks-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function cdkJson(stages: Record<string, unknown>): string {
    const file = path.join(dir, `cdk-${Object.keys(stages).join('-')}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ context: { stages } }));
    return file;
  }

  it('is needed (Standard, company) as soon as one stage enables webhooks', () => {
    const webhooks = { enabled: true, resources: ['rfis'], headerSecret: 's' };
    expect(webhooksEnabledInAnyStage(cdkJson({ sandbox: {}, production: { webhooks } }))).toBe(true);
    expect(webhooksEnabledInAnyStage(cdkJson({ sandbox: { webhooks: { ...webhooks, enabled: false } } }))).toBe(false);
    expect(webhooksEnabledInAnyStage(cdkJson({ sandbox: {} }))).toBe(false);
    const required = requiredPermissions(connectorPermissionNeeds(registry, { webhooks: true }));
    expect(required.company.find((p) => p.tool === 'Webhooks API')).toEqual({
      scope: 'company',
      tool: 'Webhooks API',
      level: 'standard',
      neededBy: ['webhooks'],
    });
    expect(requiredPermissions(connectorPermissionNeeds(registry, { webhooks: false })).company.map((p) => p.tool)).not.toContain('Webhooks API');
  });

  it('fails the check of a manifest without it when webhooks are on, and of one with it when they are off', () => {
    const manifest = loadManifest();
    const without = { ...manifest, dataConnector: { ...manifest.dataConnector, permissions: manifestPermissions(registry) } };
    expect(checkManifestPermissions(without, connectorPermissionNeeds(registry, { webhooks: true }))).toEqual([
      'missing company tool Webhooks API (standard) needed by webhooks',
    ]);
    const withIt = {
      ...manifest,
      dataConnector: { ...manifest.dataConnector, permissions: manifestPermissions(connectorPermissionNeeds(registry, { webhooks: true })) },
    };
    expect(checkManifestPermissions(withIt, registry)).toEqual(['company tool Webhooks API is not needed by any resource']);
  });
});

describe('manifest schema', () => {
  it('rejects a manifest that is not what the portal can take, naming the field', () => {
    const manifest = loadManifest();
    expect(() => parseManifest({ ...manifest, version: '1.0' }, 'x.json')).toThrow('Invalid app manifest x.json: version: must be a semantic version x.y.z');
    expect(() => parseManifest({ ...manifest, instructions: { ...manifest.instructions, url: 'http://example.com' } }, 'x.json')).toThrow(
      'instructions.url: must be an https URL',
    );
    expect(() =>
      parseManifest({ ...manifest, dataConnector: { ...manifest.dataConnector, components: ['service_account_authentication'] } }, 'x.json'),
    ).toThrow(/dataConnector\.components/);
  });

  it('warns about the placeholder instructions URL only while it is the placeholder', () => {
    const manifest = loadManifest();
    expect(manifestWarnings(manifest)).toHaveLength(1);
    expect(manifestWarnings({ ...manifest, instructions: { ...manifest.instructions, url: 'https://github.com/acme/procore-dmsa-connector#readme' } })).toEqual(
      [],
    );
  });
});

describe('manifest version', () => {
  it('follows semver for patch, minor, major and an explicit higher version', () => {
    expect(nextVersion('0.1.0', 'patch')).toBe('0.1.1');
    expect(nextVersion('0.1.9', 'minor')).toBe('0.2.0');
    expect(nextVersion('0.9.3', 'major')).toBe('1.0.0');
    expect(nextVersion('0.1.0', '0.10.0')).toBe('0.10.0');
  });

  it('refuses a version that is not higher, or not a version', () => {
    expect(() => nextVersion('0.2.0', '0.1.9')).toThrow('version 0.1.9 must be higher than the current 0.2.0');
    expect(() => nextVersion('0.2.0', '0.2.0')).toThrow('must be higher');
    expect(() => nextVersion('0.2.0', 'next')).toThrow('"next" is not a semantic version x.y.z');
  });

  it('bumps the manifest file and prints old → new; a lower version exits 1 and leaves the file alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    try {
      const file = path.join(dir, 'procore-app.json');
      writeFileSync(file, readFileSync(MANIFEST_PATH));
      expect(bumpManifestVersion('patch', file)).toEqual({ from: '0.1.0', to: '0.1.1' });

      const bumped = await runCliProcess(['manifest', 'version', 'minor', '--manifest', file]);
      expect(bumped).toMatchObject({ code: 0, stdout: '0.1.1 → 0.2.0\n' });
      expect(loadManifest(file).version).toBe('0.2.0');

      const lower = await runCliProcess(['manifest', 'version', '0.1.5', '--manifest', file]);
      expect(lower.code).toBe(1);
      expect(lower.stderr).toContain('version 0.1.5 must be higher than the current 0.2.0');
      expect(loadManifest(file).version).toBe('0.2.0');
      // Everything but the version is as committed.
      expect({ ...loadManifest(file), version: '0.1.0' }).toEqual(loadManifest());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
