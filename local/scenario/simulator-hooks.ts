// `webhooks apply`'s core against the Procore simulator: the connector's hook and triggers in each
// company, pointed at a locally served receiver (moto serves nothing at a function URL, so the
// destination is given as `--destination-url` would give it instead of the stack output).
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import type { ResourceName } from '../../functions/commons/resources/names';
import type { ProcoreSimulator } from '../../simulator';
import { procoreSession } from '../../cli/procore-session';
import { desiredTriggers } from '../../cli/webhooks/hook-plan';
import { ProcoreHooks } from '../../cli/webhooks/procore-hooks';
import { applyWebhooks } from '../../cli/webhooks/webhooks-run';
import { WEBHOOK_EVENT_TYPES } from '../../functions/commons/contracts/webhook-event';

const CALL_BUDGET_MS = 10_000;

export interface AppliedHooks {
  /** Changes made (hooks and triggers), over all companies. */
  changes: number;
  errors: string[];
}

export async function applySimulatorHooks(
  sim: ProcoreSimulator,
  target: { companies: number[]; destinationUrl: string; headerValue: string; resources: readonly ResourceName[] },
): Promise<AppliedHooks> {
  const environment = resolveProcoreEnvironment({ name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl });
  const credentials = { get: async () => ({ clientId: sim.clientId, clientSecret: sim.clientSecret }), description: 'the simulator app' };
  const hooks = new ProcoreHooks(procoreSession(environment, credentials, CALL_BUDGET_MS).client, CALL_BUDGET_MS);
  const triggers = desiredTriggers({ resources: [...target.resources], events: [...WEBHOOK_EVENT_TYPES] }).triggers;
  const applied = await applyWebhooks({
    hooks,
    companies: target.companies,
    desired: { destinationUrl: target.destinationUrl, authorization: target.headerValue, triggers },
  });
  return {
    changes: applied.reduce((n, p) => n + p.done.length, 0),
    errors: applied.filter((p) => p.error).map((p) => `company ${p.companyId}: ${p.error}`),
  };
}
