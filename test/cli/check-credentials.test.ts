import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkCredentials, type CredentialsReport } from '../../cli/credentials/credential-check';
import { readStageConfig } from '../../cli/stage';
import { secretsManagerCredentials } from '../../functions/commons/credentials/dmsa-secret';
import { resolveProcoreEnvironment, type ProcoreEnvironment } from '../../functions/commons/procore/environments';
import { listResources } from '../../functions/commons/resources/registry';
import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { runCli, runCliProcess } from './run-cli';

const secrets = new SecretsManagerClient({});

async function createSecret(value: string): Promise<string> {
  const secretId = `cli-test/dmsa-${randomUUID()}`;
  await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: value }));
  return secretId;
}

describe('check-credentials against the Procore simulator, secret in Secrets Manager (moto)', () => {
  let sim: ProcoreSimulator;
  let environment: ProcoreEnvironment;
  let secretId: string;
  let installed: number[];
  let notInstalled: number;
  const permitted = new Map<number, number>();
  const notPermitted = new Map<number, number>();

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 2, projectsPerCompany: 2, notPermittedPerCompany: 1, recordsPerResource: 3 } });
    environment = resolveProcoreEnvironment({ name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl });
    secretId = await createSecret(JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret }));
    const companies = sim.store.companies();
    installed = companies.filter((c) => c.installed).map((c) => c.id);
    notInstalled = companies.find((c) => !c.installed)!.id;
    for (const id of installed) {
      const projects = sim.store.projects(id);
      permitted.set(id, projects.find((p) => p.permitted)!.id);
      notPermitted.set(id, projects.find((p) => !p.permitted)!.id);
    }
  });

  afterAll(async () => {
    await sim.close();
  });

  const cliTarget = () => ['--secret-id', secretId, '--login-url', sim.loginUrl, '--api-url', sim.apiUrl];

  it('gets a token from the login host, lists installed companies, their permitted projects, and every tool answers', async () => {
    sim.clearRequests();
    const report = await checkCredentials({
      environment,
      credentials: secretsManagerCredentials(secretId),
      resources: listResources(),
      discoveryCompanyId: installed[0]!,
    });
    expect(report.token).toEqual({ ok: true });
    expect(report.ok).toBe(true);
    expect(report.companies.map((c) => c.id)).toEqual(installed);
    for (const company of report.companies) {
      expect(company.projects.map((p) => p.id)).toEqual([permitted.get(company.id)]);
      expect(company.tools).toHaveLength(listResources().length);
      for (const tool of company.tools) {
        // Procore lists only permitted projects to a DMSA: one here; every other resource has 3 records per scope,
        // but a project's 2 prime contracts and budget views (the parents probed for change order
        // requests and detail rows) and a company's 2 standard cost code lists (standard cost codes);
        // the unpaged commitment change order list says no Total; push-only budget line items are skipped.
        const detail = {
          projects: '1 record(s)',
          prime_contracts: '2 record(s)',
          change_order_requests: '2 record(s)',
          budget_view_detail_rows: '2 record(s)',
          standard_cost_codes: '2 record(s)',
          // Every third seeded cost code belongs to a sub job: the project's own are 2 of 3.
          cost_codes: '2 record(s)',
          commitment_change_orders: 'answers',
        } as Record<string, string>;
        if (tool.resource === 'budget_line_items') continue;
        expect([tool.resource, tool]).toMatchObject([tool.resource, { outcome: 'ok', httpStatus: 200, detail: detail[tool.resource] ?? '3 record(s)' }]);
      }
      expect(company.tools.find((t) => t.resource === 'rfis')).toMatchObject({ tool: 'RFIs', projectId: permitted.get(company.id) });
    }
    const requests = sim.requests();
    expect(requests.filter((r) => r.path.endsWith('/oauth/token')).map((r) => r.path)).toEqual(['/login/oauth/token']);
    const api = requests.filter((r) => r.path.startsWith('/api/'));
    for (const r of api) expect(r.headers['procore-company-id']).toMatch(/^\d+$/);
    // Cheap probes: one record per tool and company (a list that declares no paging: one whole
    // answer); discovery = companies once + projects per company.
    // Push-only resources (no list: budget line items) are skipped, not probed.
    const listed = listResources().filter((r) => r.paths.list);
    const paged = listed.filter((r) => r.paged !== false);
    expect(api.filter((r) => r.query.per_page === '1')).toHaveLength(paged.length * installed.length);
    expect(api).toHaveLength(listed.length * installed.length + 1 + installed.length);
    for (const company of report.companies) {
      expect(company.tools.find((t) => t.resource === 'budget_line_items')).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('push-only') });
    }
  });

  it('reports 403 for project tools in a project that is not permitted, and fails overall', async () => {
    const company = installed[0]!;
    const report = await checkCredentials({
      environment,
      credentials: secretsManagerCredentials(secretId),
      resources: listResources(),
      companies: [company],
      projectId: notPermitted.get(company)!,
    });
    expect(report.ok).toBe(false);
    const tools = report.companies[0]!.tools;
    expect(tools.filter((t) => t.scope === 'company').every((t) => t.outcome === 'ok')).toBe(true);
    const projectTools = tools.filter((t) => t.scope === 'project' && t.resource !== 'budget_line_items');
    expect(projectTools.length).toBeGreaterThan(0);
    for (const t of projectTools) {
      expect(t).toMatchObject({ outcome: 'forbidden', httpStatus: 403 });
      expect(t.detail).toContain('not a permitted project');
    }
  });

  it('flags a requested company where the app is not installed', async () => {
    const report = await checkCredentials({
      environment,
      credentials: secretsManagerCredentials(secretId),
      resources: [],
      discoveryCompanyId: installed[0]!,
      companies: [installed[0]!, notInstalled],
    });
    expect(report.ok).toBe(false);
    expect(report.companies[1]).toMatchObject({ id: notInstalled, error: expect.stringContaining('not installed') });
  });

  it('prints an aligned report and exits 0 (CLI process); neither the secret nor a token appears', async () => {
    const companies = installed.flatMap((id) => ['--company', String(id)]);
    const run = await runCliProcess(['check-credentials', ...cliTarget(), ...companies]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Token\s+OK/m);
    expect(run.stdout).toContain(`Credentials          secret ${secretId}`);
    for (const id of installed) {
      expect(run.stdout).toContain(`Company ${id}`);
      expect(run.stdout).toMatch(new RegExp(`^\\s+${permitted.get(id)}\\s+\\S`, 'm'));
    }
    expect(run.stdout).toMatch(/^\s+rfis\s+project \d+\s+RFIs\s+standard\s+OK\s+3 record\(s\)$/m);
    expect(run.stdout).toMatch(/^\s+vendors\s+company\s+Directory\s+admin\s+OK/m);
    expect(run.stdout).toContain('All checks passed.');
    for (const secret of [sim.clientSecret, ...sim.tokensIssued()]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('a wrong secret exits 1 with a clear message that contains no secret', async () => {
    const wrongSecret = `wrong-${randomUUID()}`;
    const wrongId = await createSecret(JSON.stringify({ client_id: sim.clientId, client_secret: wrongSecret }));
    const run = await runCliProcess([
      'check-credentials',
      '--secret-id',
      wrongId,
      '--login-url',
      sim.loginUrl,
      '--api-url',
      sim.apiUrl,
      '--company',
      String(installed[0]),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Procore rejected the DMSA client credentials from secret ${wrongId}: invalid_client`);
    expect(run.stdout).toContain('sandbox and production credentials differ');
    for (const secret of [wrongSecret, sim.clientSecret, ...sim.tokensIssued()]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('a malformed secret names the secret and the problem, not its value', async () => {
    const leaked = `leak-${randomUUID()}`;
    const badId = await createSecret(JSON.stringify({ clientId: sim.clientId, client_secret: leaked }));
    const report = await checkCredentials({ environment, credentials: secretsManagerCredentials(badId), resources: [] });
    expect(report.token).toEqual({ ok: false, error: expect.stringContaining(`DMSA secret ${badId}:`) });
    expect(JSON.stringify(report)).toContain('client_id is missing');
    expect(JSON.stringify(report)).not.toContain(leaked);
  });

  it('without a company id to ask from, stops after the token and says what to pass', async () => {
    const report = await checkCredentials({ environment, credentials: secretsManagerCredentials(secretId), resources: listResources() });
    expect(report).toMatchObject({ token: { ok: true }, ok: false, discoveryError: expect.stringContaining('pass --company ID') });
  });

  it('--stage takes the resources (and secret, environment) from cdk.json; flags override', async () => {
    const { config } = readStageConfig('sandbox');
    const run = await runCli(['check-credentials', '--stage', 'sandbox', ...cliTarget(), '--company', String(installed[0]), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as CredentialsReport;
    expect(report.credentialsSource).toBe(`secret ${secretId}`);
    expect(report.companies[0]!.tools.map((t) => t.resource)).toEqual(config.sync.resources);

    const unknown = await runCli(['check-credentials', '--stage', 'qa']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('stage: must be one of sandbox, production');
  });

  it('rejects incomplete flags with a usage error (exit 2)', async () => {
    const noSecret = await runCliProcess(['check-credentials', '--environment', 'sandbox']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('pass --secret-id ID or --stage S');
    const badEnv = await runCliProcess(['check-credentials', '--secret-id', 'x', '--environment', 'staging']);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('--environment must be production, sandbox or monthly-sandbox (got "staging")');
  });
});
