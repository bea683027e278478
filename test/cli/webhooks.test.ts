// `connector webhooks plan|apply|status` against the Procore simulator (which refuses anything
// docs/procore-endpoints.tsv does not declare), the header secret in Secrets Manager (moto), and a
// local receiver that gets what the applied hooks deliver.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webhooksCommandWith } from '../../cli/commands/webhooks';
import { desiredTriggers, type DesiredHook } from '../../cli/webhooks/hook-plan';
import { CONNECTOR_NAMESPACE, ProcoreHooks } from '../../cli/webhooks/procore-hooks';
import { renderPlans, renderStatus } from '../../cli/webhooks/render';
import { applyWebhooks, companiesToManage, planWebhooks, readHeaderSecret, webhookStatus, type WebhooksTarget } from '../../cli/webhooks/webhooks-run';
import { procoreSession } from '../../cli/procore-session';
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import { WebhooksConfigSchema } from '../../lib/config/webhooks-config';
import { startSimulator, type ProcoreSimulator } from '../../simulator';
import { apiClient, requestToken } from '../simulator/sim-http';
import { startReceiver, type Receiver } from '../simulator/webhook-receiver';
import { runCli } from './run-cli';

describe('connector webhooks against the simulator', () => {
  let sim: ProcoreSimulator;
  let receiver: Receiver;
  let hooks: ProcoreHooks;
  let companies: number[];
  let header: string;
  const config = WebhooksConfigSchema.parse({ enabled: true, resources: ['rfis', 'vendors'], headerSecret: 'unused-here' });

  beforeAll(async () => {
    sim = await startSimulator({ data: { companies: 2, projectsPerCompany: 1, recordsPerResource: 2 } });
    receiver = await startReceiver();
    const environment = resolveProcoreEnvironment({ name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl });
    const credentials = { get: async () => ({ clientId: sim.clientId, clientSecret: sim.clientSecret }), description: 'test' };
    const { client } = procoreSession(environment, credentials, 10_000);
    hooks = new ProcoreHooks(client, 10_000);
    const installed = sim.store.companies().filter((c) => c.installed);
    companies = await companiesToManage(client, undefined, installed[0]!.id, 10_000);
    expect(companies).toEqual(installed.map((c) => c.id));
    const secretId = `cli-test/webhook-header-${randomUUID()}`;
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: secretId, SecretString: `Bearer ${randomUUID()}` }));
    header = await readHeaderSecret(secretId);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  const desired = (fields: Partial<DesiredHook> = {}): DesiredHook => ({
    destinationUrl: receiver.url,
    authorization: header,
    triggers: desiredTriggers(config).triggers,
    ...fields,
  });
  const target = (d: DesiredHook | undefined): WebhooksTarget => ({ hooks, companies, desired: d });

  it('plans the hook and triggers on fresh companies; apply makes them; a second apply changes nothing', async () => {
    sim.clearRequests();
    const plans = await planWebhooks(target(desired()));
    expect(plans.map((p) => p.actions.map((a) => a.kind))).toEqual([['create-hook'], ['create-hook']]);
    const planText = renderPlans(plans, { stage: 'sandbox', mode: 'plan', desired: desired(), notOffered: desiredTriggers(config).notOffered });
    expect(planText).toContain('+ create hook → http://127.0.0.1');
    expect(planText).toContain('Plan: 2 change(s) in 2 companies.');
    expect(planText).toContain('Not offered by Procore, skipped: vendors delete');
    expect(planText).not.toContain(header);
    expect(sim.webhooks.hooks()).toEqual([]); // plan changes nothing

    const applied = await applyWebhooks(target(desired()));
    expect(applied.every((p) => !p.error && p.done.length === 1)).toBe(true);
    const made = sim.webhooks.hooks();
    expect(made.map((h) => [h.owner.companyId, h.namespace, h.destinationUrl, h.destinationHeaders])).toEqual(
      companies.map((id) => [id, CONNECTOR_NAMESPACE, receiver.url, { Authorization: header }]),
    );

    const again = await applyWebhooks(target(desired()));
    expect(again.map((p) => p.done)).toEqual([[], []]);
    expect(renderPlans(again, { stage: 'sandbox', mode: 'apply', desired: desired(), notOffered: [] })).toContain('Nothing to change');
    const refused = sim.requests().filter((r) => r.refusal || r.status >= 400);
    expect(refused.map((r) => `${r.method} ${r.path} ${r.status} ${r.refusal?.reason ?? ''}`)).toEqual([]);
  });

  it('the applied hook delivers a change to the destination with the header; status lists it', async () => {
    receiver.received.length = 0;
    const vendor = sim.store.list('vendors', { companyId: companies[0]! })[0]!;
    sim.store.update('vendors', vendor.id, { name: 'Renamed in Procore' });
    await sim.webhooks.settle();
    expect(receiver.received.map((r) => [r.headers.authorization, r.event.resource_name, r.event.event_type, r.event.resource_id])).toEqual([
      [header, 'Company Vendors', 'update', vendor.id],
    ]);
    const report = await webhookStatus(target(undefined), { limit: 5, status: 'any' });
    expect(report[0]!.hooks).toEqual([
      expect.objectContaining({ failing: 0, discarded: 0, triggers: 5, recent: [expect.objectContaining({ outcome: 'ok' })] }),
    ]);
    const text = renderStatus(report);
    expect(text).toMatch(/OUTCOME/);
    expect(text).toMatch(/ok\s+200\s+Company Vendors\s+update/);
  });

  it('follows config changes: fewer events drop triggers, a new destination or rotated secret updates the hook', async () => {
    const fewer = desired({
      triggers: desiredTriggers({ resources: ['rfis'], events: ['create', 'update'] }).triggers,
      destinationUrl: `${receiver.url}/v2`,
      authorization: 'Bearer rotated',
    });
    const plans = await planWebhooks(target(fewer));
    expect(plans[0]!.actions.map((a) => a.kind)).toEqual(['update-hook', 'delete-triggers']);
    await applyWebhooks(target(fewer));
    const hook = sim.webhooks.hooks().find((h) => h.owner.companyId === companies[0])!;
    expect(hook).toMatchObject({ destinationUrl: `${receiver.url}/v2`, destinationHeaders: { Authorization: 'Bearer rotated' } });
    expect((await planWebhooks(target(fewer))).every((p) => p.actions.length === 0)).toBe(true);
  });

  it('removes the connector hooks when webhooks are disabled, leaving other namespaces alone', async () => {
    const api = apiClient(sim, await requestToken(sim), companies[0]!);
    const other = await api('/rest/v1.0/webhooks/hooks', {
      method: 'POST',
      body: { company_id: companies[0], hook: { api_version: 'v2', namespace: 'other-integration', destination_url: 'https://other.example.net/hooks' } },
    });
    expect(other.status).toBe(201);
    const applied = await applyWebhooks(target(undefined));
    expect(applied.map((p) => p.done.map((a) => a.kind))).toEqual([['delete-hook'], ['delete-hook']]);
    expect(sim.webhooks.hooks().map((h) => h.namespace)).toEqual(['other-integration']);
  });

  it('names the missing Webhooks API permission when Procore refuses the hooks API', async () => {
    sim.webhooks.setPermission(false);
    try {
      const plans = await planWebhooks(target(desired()));
      expect(plans.map((p) => p.error)).toEqual(companies.map(() => expect.stringMatching(/403.*"Webhooks API" at Standard/)));
      const text = renderPlans(plans, { stage: 'sandbox', mode: 'plan', desired: desired(), notOffered: [] });
      expect(text).toContain('Some companies failed');
    } finally {
      sim.webhooks.setPermission(true);
    }
  });

  it('the CLI wants a stage with a webhooks block, and explains its subcommands', async () => {
    const missing = await runCli(['webhooks', 'plan', '--stage', 'sandbox']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('stages.sandbox in cdk.json has no "webhooks" block');
    const noStage = await runCli(['webhooks', 'apply']);
    expect(noStage.code).toBe(2);
    expect(noStage.stderr).toContain('--stage S is required');
    const help = await runCli(['webhooks', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Webhooks API');
    expect((await runCli(['webhooks', 'sync'])).stderr).toContain('use plan, apply or status');
    const badStatus = await runCli(['webhooks', 'status', '--stage', 'sandbox', '--status', 'broken']);
    expect(badStatus.code).toBe(2);
  });

  it('runs end to end from a stage config: plan shows what apply creates, a second apply changes nothing, status lists deliveries', async () => {
    const secrets = new SecretsManagerClient({});
    const dmsaSecret = `cli-test/dmsa-${randomUUID()}`;
    const headerSecret = `cli-test/webhook-header-${randomUUID()}`;
    await secrets.send(
      new CreateSecretCommand({ Name: dmsaSecret, SecretString: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret }) }),
    );
    await secrets.send(new CreateSecretCommand({ Name: headerSecret, SecretString: 'stage-header-value' }));
    const dir = mkdtempSync(path.join(tmpdir(), 'webhooks-cli-'));
    const cdkJson = path.join(dir, 'cdk.json');
    const sandbox = {
      procore: { name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl },
      dmsaSecret,
      sync: { companies: [companies[1]], resources: ['rfis', 'vendors'], schedule: 'rate(1 hour)' },
      webhooks: { enabled: true, resources: ['rfis'], events: ['create'], destinationUrl: receiver.url, headerSecret },
    };
    writeFileSync(cdkJson, JSON.stringify({ context: { stages: { sandbox } } }));
    const command = webhooksCommandWith(cdkJson);
    const run = async (args: string[]) => {
      let out = '';
      const code = await command.run([...args, '--stage', 'sandbox'], { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) });
      return { code, out };
    };
    try {
      const plan = await run(['plan']);
      expect(plan).toEqual({
        code: 0,
        out: expect.stringContaining(`Company ${companies[1]}: 1 change(s)\n  + create hook → ${receiver.url} with 1 trigger(s): RFIs:create`),
      });
      const apply = await run(['apply']);
      expect(apply.code).toBe(0);
      expect(apply.out).toContain('Applied 1 change(s) in 1 company.');
      const again = await run(['apply']);
      expect(again.out).toContain('Nothing to change');
      expect(`${plan.out}${apply.out}${again.out}`).not.toContain('stage-header-value');
      const hook = sim.webhooks.hooks().find((h) => h.owner.companyId === companies[1])!;
      expect(hook.destinationHeaders).toEqual({ Authorization: 'stage-header-value' });

      const status = await run(['status', '--json']);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out)).toEqual([{ companyId: companies[1], hooks: [expect.objectContaining({ hookId: hook.id, triggers: 1, recent: [] })] }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
