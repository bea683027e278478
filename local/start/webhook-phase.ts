// The webhook path of `npm start`: `webhooks apply`'s core registers the connector's hook in the
// simulator, pointed at the deployed receiver served on loopback (local/function-url-front.ts). A record changed in
// the simulator then travels Procore delivery -> receiver -> events queue -> events consumer ->
// records queue, timed from the change to its arrival downstream; deliveries without the header
// secret are sent too, and must be refused.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcoreSimulator } from '../../simulator';
import { WEBHOOK_AUTH_HEADER } from '../../functions/commons/contracts/webhook-event';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import type { WebhooksConfig } from '../../lib/config/webhooks-config';
import type { FunctionHost } from '../function-host';
import { postToUrl, startFunctionUrlFront } from '../function-url-front';
import { applySimulatorHooks } from '../scenario/simulator-hooks';
import { consumeWhile } from '../queue-consumer';
import { parseRecordEnvelope } from './downstream';
import type { WebhookReport } from './summary';

export interface WebhookPhaseDeps {
  sim: ProcoreSimulator;
  sqs: SQSClient;
  webhooks: WebhooksConfig;
  headerValue: string;
  companies: number[];
  receiverHost: FunctionHost;
  recordsQueueUrl: string;
  /** Plays the events queue's mapping until it is drained. */
  playEvents: () => Promise<unknown>;
  step: (line: string) => void;
  cleanup: { add(step: () => Promise<void> | void): void };
}

/** Deliveries the run sends past Procore: no header, a wrong one, the right one with a prefix. */
const FORGED_HEADERS: Record<string, string>[] = [{}, { [WEBHOOK_AUTH_HEADER]: 'not-the-secret' }, { [WEBHOOK_AUTH_HEADER]: 'Bearer x' }];

export async function runWebhookPhase(deps: WebhookPhaseDeps): Promise<WebhookReport> {
  const { sim, step } = deps;
  const front = await startFunctionUrlFront(deps.receiverHost);
  deps.cleanup.add(() => front.close());
  step(`webhook receiver served on ${front.url} (the function URL, played on loopback)`);

  const { changes, errors } = await applySimulatorHooks(sim, {
    companies: deps.companies,
    destinationUrl: front.url,
    headerValue: deps.headerValue,
    resources: deps.webhooks.resources,
  });
  step(`webhooks apply: ${changes} change(s) in ${deps.companies.length} company(ies)${errors.length ? `; FAILED ${errors.join('; ')}` : ''}`);

  const resource = deps.webhooks.resources[0] ?? '';
  const companyId = deps.companies[0] ?? 0;
  const project = sim.store.projects(companyId)[0];
  const target = sim.store.list(resource, { companyId, ...(project ? { projectId: project.id } : {}) }).find((r) => r.deleted_at == null);
  if (!target) throw new Error(`the simulator holds no ${resource} record to change`);
  const changedAt = Date.now();
  sim.store.update(resource, Number(target.id), { title: `changed by npm start ${changedAt}` });
  await sim.webhooks.settle();
  let arrivedAt: number | undefined;
  const messages = await consumeWhile(deps.sqs, deps.recordsQueueUrl, deps.playEvents, {
    onBatch: (count) => {
      if (count > 0) arrivedAt ??= Date.now();
    },
  });
  const records = messages.map((m) => parseRecordEnvelope(m.Body ?? '')) as RecordEnvelope[];
  const arrived = records.find((r) => r.resource === resource && String(r.id) === String(target.id));
  const deliveries = sim.webhooks.deliveries();

  const refused = await sendForged(front.url);
  step(`unauthenticated deliveries: ${refused.filter((s) => s === 401).length} of ${refused.length} refused (401)`);
  return {
    resource,
    recordId: Number(target.id),
    hookChanges: changes,
    applyErrors: errors,
    procoreDeliveries: deliveries.length,
    deliveredOk: deliveries.filter((d) => d.outcome === 'ok').length,
    arrived: arrived !== undefined,
    latencyMs: arrived && arrivedAt !== undefined ? arrivedAt - changedAt : undefined,
    unauthenticatedSent: refused.length,
    unauthenticatedRefused: refused.filter((s) => s === 401).length,
  };
}

async function sendForged(url: string): Promise<number[]> {
  const body = JSON.stringify({ ulid: '01J00000000000000000000000', event_type: 'update', resource_name: 'RFIs' });
  const statuses: number[] = [];
  for (const headers of FORGED_HEADERS) statuses.push(await postToUrl(url, headers, body));
  return statuses;
}
