import { secretsManagerCredentials } from '../../functions/commons/credentials/dmsa-secret';
import type { StageConfig } from '../../lib/config/stage-config';
import { WEBHOOK_RECEIVER_URL_OUTPUT } from '../aws/stack-outputs';
import { CliError, defineCommand, idOption, intOption, UsageError, withSubcommands, type CliIo, type Command } from '../command';
import { json } from '../format';
import { procoreSession, resolveEnvironment } from '../procore-session';
import { CDK_JSON, readStageConfig } from '../stage';
import { flagOrOutput, STAGE_OPTIONS, stackOutputsFor } from '../targets';
import { desiredTriggers, type DesiredHook } from '../webhooks/hook-plan';
import { CONNECTOR_NAMESPACE, ProcoreHooks } from '../webhooks/procore-hooks';
import { renderPlans, renderStatus, type PlanContext } from '../webhooks/render';
import { applyWebhooks, companiesToManage, planWebhooks, readHeaderSecret, webhookStatus, type WebhooksTarget } from '../webhooks/webhooks-run';

const HELP = `connector webhooks: Procore webhooks as code (the stage's "webhooks" block in cdk.json)

Usage:
  connector webhooks plan   --stage S [options]   what apply would change, company by company
  connector webhooks apply  --stage S [options]   make Procore match (safe to re-run: a second apply changes nothing)
  connector webhooks status --stage S [options]   recent deliveries of the connector's hooks, failing and discarded counts

The connector keeps one company-level hook per installed company, in its own namespace
(${CONNECTOR_NAMESPACE}), with one trigger per configured resource and event. Procore sends the
header secret's value as the Authorization header of every delivery. Needs the "Webhooks API"
tool permission (Standard, company) in the app (connector manifest permissions).

Options:
  --stage S              sandbox | production: the webhooks block, DMSA secret, Procore environment and
                         companies from cdk.json (context.stages.S)
  --company ID           only this company (repeatable; default: sync.companies, else every company
                         where the app is installed, asked as sync.discoveryCompanyId)
  --destination-url URL  deliver here (default: webhooks.destinationUrl, else the stack output ${WEBHOOK_RECEIVER_URL_OUTPUT})
  --stack-name NAME      read the stack outputs of a stack deployed under another name
  --secret-id ID         DMSA secret other than the stage's
  --environment NAME     production | sandbox | monthly-sandbox, instead of the stage's
  --login-url URL        custom login host (e.g. the local simulator), with --api-url
  --api-url URL          custom API host
  --force-header         apply: send the Authorization header even where Procore's answer does not
                         show it (after rotating the header secret)
  --limit N              status: deliveries per hook (default 20)
  --status S             status: any | successful | failing | discarded (default any)
  --json                 machine-readable output
  -h, --help             this help

Exit status: 0 when every company was read (plan, status) or changed (apply); 1 otherwise.`;

const OPTIONS = {
  ...STAGE_OPTIONS,
  company: { type: 'string', multiple: true },
  'destination-url': { type: 'string' },
  'secret-id': { type: 'string' },
  environment: { type: 'string' },
  'login-url': { type: 'string' },
  'api-url': { type: 'string' },
  'force-header': { type: 'boolean' },
  limit: { type: 'string' },
  status: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K] extends { type: 'boolean' } ? boolean : string;
};

const CALL_BUDGET_MS = 30_000;
const DELIVERY_STATUSES = ['any', 'successful', 'failing', 'discarded'];

function subcommand(name: 'plan' | 'apply' | 'status', run: (values: Values, io: CliIo) => Promise<number>): Command {
  return defineCommand({ name: `webhooks ${name}`, help: HELP, options: OPTIONS, run: ({ values }, io) => run(values as Values, io) });
}

/** The command, reading stage settings from `cdkJsonPath` (tests pass a cdk.json of their own). */
export function webhooksCommandWith(cdkJsonPath = CDK_JSON): Command {
  const resolveTarget = (sub: 'plan' | 'apply' | 'status', values: Values) => resolveTargetFrom(cdkJsonPath, sub, values);
  return withSubcommands({
    name: 'webhooks',
    help: HELP,
    subcommands: {
      plan: subcommand('plan', async (values, io) => {
        const { stage, target, context } = await resolveTarget('plan', values);
        const plans = await planWebhooks(target);
        io.out(values.json ? json(plans) : renderPlans(plans, { stage, mode: 'plan', ...context }));
        return plans.some((p) => p.error) ? 1 : 0;
      }),
      apply: subcommand('apply', async (values, io) => {
        const { stage, target, context } = await resolveTarget('apply', values);
        const plans = await applyWebhooks(target);
        io.out(values.json ? json(plans) : renderPlans(plans, { stage, mode: 'apply', ...context }));
        return plans.some((p) => p.error) ? 1 : 0;
      }),
      status: subcommand('status', async (values, io) => {
        const status = values.status ?? 'any';
        if (!DELIVERY_STATUSES.includes(status))
          throw new UsageError(`webhooks status: --status must be one of ${DELIVERY_STATUSES.join(', ')} (got "${status}")`);
        const limit = intOption('webhooks status', values.limit, '--limit', 20);
        const { target } = await resolveTarget('status', values);
        const report = await webhookStatus(target, { limit, status });
        io.out(values.json ? json(report) : renderStatus(report));
        return report.some((c) => c.error) ? 1 : 0;
      }),
    },
    unknown: (sub) => `webhooks: unknown subcommand "${sub}"; use plan, apply or status (see "connector webhooks --help")`,
  });
}

export const webhooksCommand: Command = webhooksCommandWith();

/** Everything a subcommand acts on, from the stage config and the flags that override it. */
async function resolveTargetFrom(
  cdkJsonPath: string,
  sub: 'plan' | 'apply' | 'status',
  values: Values,
): Promise<{ stage: string; target: WebhooksTarget; context: Pick<PlanContext, 'desired' | 'notOffered'> }> {
  const command = `webhooks ${sub}`;
  if (!values.stage) throw new UsageError(`${command}: --stage S is required (the webhooks block is in the stage config)`);
  const { stage, config } = readStageConfig(values.stage, cdkJsonPath);
  const webhooks = config.webhooks;
  if (!webhooks) throw new CliError(`${command}: stages.${stage} in cdk.json has no "webhooks" block (see README, "Webhooks")`, 2);
  const environment = resolveEnvironment(command, values, config.procore);
  const { client } = procoreSession(environment, secretsManagerCredentials(values['secret-id'] ?? config.dmsaSecret), CALL_BUDGET_MS);
  const given = values.company?.map((c) => idOption(command, c, '--company') as number) ?? configuredCompanies(config);
  const companies = await companiesToManage(client, given, config.sync.discoveryCompanyId, CALL_BUDGET_MS);
  const hooks = new ProcoreHooks(client, CALL_BUDGET_MS);
  const desired = sub !== 'status' && webhooks.enabled ? await desiredHook(values, webhooks, stage) : undefined;
  const context = { desired, notOffered: webhooks.enabled ? desiredTriggers(webhooks).notOffered : [] };
  return { stage, context, target: { hooks, companies, desired, forceHeader: values['force-header'] ?? false } };
}

function configuredCompanies(config: StageConfig): number[] | undefined {
  return config.sync.companies === 'all' ? undefined : config.sync.companies;
}

async function desiredHook(values: Values, webhooks: NonNullable<StageConfig['webhooks']>, stage: string): Promise<DesiredHook> {
  const outputs = stackOutputsFor('webhooks', { stage, 'stack-name': values['stack-name'] });
  const destinationUrl = await flagOrOutput(values['destination-url'] ?? webhooks.destinationUrl, outputs, WEBHOOK_RECEIVER_URL_OUTPUT, '--destination-url');
  return { destinationUrl, authorization: await readHeaderSecret(webhooks.headerSecret), triggers: desiredTriggers(webhooks).triggers };
}
