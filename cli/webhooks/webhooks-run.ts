// `connector webhooks plan|apply|status`, minus the flag parsing: read what Procore holds in each
// company, plan with the pure core (hook-plan.ts), run the actions, or list recent deliveries.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProcoreClient } from '../../functions/commons/procore/client';
import { ProcoreError } from '../../functions/commons/procore/errors';
import { CliError } from '../command';
import { describe, listAll } from '../procore-session';
import { planCompanyHooks, type DesiredHook, type WebhookAction } from './hook-plan';
import type { Delivery, ProcoreHooks } from './procore-hooks';

export interface WebhooksTarget {
  hooks: ProcoreHooks;
  companies: number[];
  /** undefined: webhooks are disabled for the stage (apply removes the connector's hooks). */
  desired: DesiredHook | undefined;
  forceHeader?: boolean;
}

export interface CompanyPlan {
  companyId: number;
  actions: WebhookAction[];
  /** Actions done (apply), in order. */
  done: WebhookAction[];
  error?: string;
}

export async function planWebhooks(target: WebhooksTarget): Promise<CompanyPlan[]> {
  const plans: CompanyPlan[] = [];
  for (const companyId of target.companies) {
    try {
      const actual = await target.hooks.read(companyId);
      plans.push({ companyId, actions: planCompanyHooks(target.desired, actual, { forceHeader: target.forceHeader ?? false }), done: [] });
    } catch (error) {
      plans.push({ companyId, actions: [], done: [], error: describeWebhooksError(error) });
    }
  }
  return plans;
}

/** Plans, then runs each company's actions in order; a failure stops that company only. */
export async function applyWebhooks(target: WebhooksTarget): Promise<CompanyPlan[]> {
  const plans = await planWebhooks(target);
  for (const plan of plans) {
    for (const action of plan.error ? [] : plan.actions) {
      try {
        await runAction(target, plan.companyId, action);
        plan.done.push(action);
      } catch (error) {
        plan.error = describeWebhooksError(error);
        break;
      }
    }
  }
  return plans;
}

async function runAction(target: WebhooksTarget, companyId: number, action: WebhookAction): Promise<void> {
  const { hooks, desired } = target;
  switch (action.kind) {
    case 'create-hook': {
      const hookId = await hooks.createHook(companyId, desired!);
      if (action.triggers.length > 0) await hooks.createTriggers(companyId, hookId, action.triggers);
      return;
    }
    case 'update-hook':
      return hooks.updateHook(companyId, action.hookId, desired!, action.changes);
    case 'create-triggers':
      return hooks.createTriggers(companyId, action.hookId, action.triggers);
    case 'delete-triggers':
      return hooks.deleteTriggers(
        companyId,
        action.hookId,
        action.triggers.map((t) => t.id),
      );
    case 'delete-hook':
      return hooks.deleteHook(companyId, action.hookId);
  }
}

export interface HookStatus {
  hookId: number;
  destinationUrl: string;
  triggers: number;
  recent: Delivery[];
  /** Deliveries Procore is still retrying, and those it gave up on (at most `countLimit` counted). */
  failing: number;
  discarded: number;
}

export interface CompanyStatus {
  companyId: number;
  hooks: HookStatus[];
  error?: string;
}

/** Recent deliveries of the connector's hooks, and how many are failing or were discarded. */
export async function webhookStatus(target: Pick<WebhooksTarget, 'hooks' | 'companies'>, options: { limit: number; status: string; countLimit?: number }) {
  const countLimit = options.countLimit ?? 100;
  const out: CompanyStatus[] = [];
  for (const companyId of target.companies) {
    try {
      const hooks: HookStatus[] = [];
      for (const hook of await target.hooks.read(companyId)) {
        const count = async (status: string) => (await target.hooks.deliveries(companyId, hook.id, { status, pageSize: countLimit })).length;
        hooks.push({
          hookId: hook.id,
          destinationUrl: hook.destinationUrl,
          triggers: hook.triggers.length,
          recent: await target.hooks.deliveries(companyId, hook.id, { status: options.status, pageSize: options.limit }),
          failing: await count('failing'),
          discarded: await count('discarded'),
        });
      }
      out.push({ companyId, hooks });
    } catch (error) {
      out.push({ companyId, hooks: [], error: describeWebhooksError(error) });
    }
  }
  return out;
}

/** A 403 from the Webhooks API most often means the app lacks its tool permission: say which. */
function describeWebhooksError(error: unknown): string {
  const hint =
    error instanceof ProcoreError && error.status === 403
      ? ' (the app needs the company tool permission "Webhooks API" at Standard: connector manifest permissions; or the app is not installed in this company)'
      : '';
  return `${describe(error)}${hint}`;
}

/**
 * The companies to act on: the ones given, else the stage's list, else every company where the app
 * is installed (GET /rest/v1.0/companies, asked as `askFrom`: Procore wants a Procore-Company-Id
 * header even there).
 */
export async function companiesToManage(client: ProcoreClient, given: number[] | undefined, askFrom: number | undefined, budgetMs: number): Promise<number[]> {
  if (given && given.length > 0) return given;
  if (askFrom === undefined) {
    throw new CliError(
      'webhooks: no company to ask Procore from: set sync.discoveryCompanyId (or sync.companies) in the stage config, or pass --company ID',
      2,
    );
  }
  const companies = await listAll<{ id: number }>(client, { method: 'GET', path: '/rest/v1.0/companies', companyId: askFrom }, budgetMs);
  return companies.map((c) => c.id);
}

/** The header secret's string: Procore sends it as the Authorization header of every delivery. Never printed. */
export async function readHeaderSecret(secretId: string, secrets: SecretsManagerClient = new SecretsManagerClient({})): Promise<string> {
  let value: string | undefined;
  try {
    value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new CliError(`webhooks: the header secret ${secretId} cannot be read from Secrets Manager: ${(error as Error).message}`);
  }
  if (!value || value.trim() === '') throw new CliError(`webhooks: the header secret ${secretId} has no string value`);
  return value;
}
