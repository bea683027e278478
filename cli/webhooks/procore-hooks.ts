// The Webhooks API calls the CLI makes, through the connector's Procore client, company-scoped
// (`company_id`: in the query of reads and deletes, in the body of writes; procore_python_sdk
// docs/UtilitiesWebhooks*Api.md, generated from Procore's OpenAPI description). Every request is one
// docs/procore-endpoints.tsv declares (test/procore/declared-requests.test.ts). Answers are checked
// with zod: a hook or trigger without the fields the plan compares is an error, not a guess.
import { z } from 'zod';
import type { ProcoreClient } from '../../functions/commons/procore/client';
import { HOOK_API_VERSION, type ActualHook, type DesiredHook, type HookChange, type TriggerSpec } from './hook-plan';

const HOOKS = '/rest/v1.0/webhooks/hooks';

/**
 * The connector's hooks live in their own namespace, so they never touch hooks other integrations or
 * company admins made (namespaces: lowercase a-z and dashes; procore/documentation webhooks_api.md,
 * "Namespace Requirements and Best Practices").
 */
export const CONNECTOR_NAMESPACE = 'procore-dmsa-connector';

/** The header Procore sends with every delivery, holding the header secret (webhooks_api.md, "Create a Hook"). */
const DELIVERY_AUTH_HEADER = 'Authorization';

const HookJson = z.looseObject({
  id: z.number(),
  destination_url: z.string(),
  api_version: z.string().nullish(),
  destination_headers: z.record(z.string(), z.unknown()).nullish(),
});
const TriggerJson = z.looseObject({ id: z.number(), resource_name: z.string(), event_type: z.string() });
const BulkJson = z.looseObject({ success: z.array(z.unknown()).optional(), failed: z.array(z.unknown()).optional() });

export const DeliveryJson = z.looseObject({
  id: z.number(),
  outcome: z.string().nullish(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  response_status: z.number().nullish(),
  response_error: z.string().nullish(),
  event: z
    .looseObject({
      resource_name: z.string().nullish(),
      resource_id: z.number().nullish(),
      event_type: z.string().nullish(),
      project_id: z.number().nullish(),
      ulid: z.string().nullish(),
    })
    .nullish(),
});
export type Delivery = z.infer<typeof DeliveryJson>;

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ');
    throw new Error(`Procore's answer to ${what} is not what the Webhooks API documents: ${problems}`);
  }
  return result.data;
}

/** Header names are case-insensitive; Procore's answers show `authorization` in lower case (SDK docs). */
function authorizationOf(headers: Record<string, unknown> | null | undefined): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === DELIVERY_AUTH_HEADER.toLowerCase());
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

export class ProcoreHooks {
  constructor(
    private readonly client: ProcoreClient,
    private readonly budgetMs = 30_000,
  ) {}

  /** The connector's hooks in a company, each with its triggers. */
  async read(companyId: number): Promise<ActualHook[]> {
    const hooks = parse(z.array(HookJson), await this.get(companyId, HOOKS, { namespace: CONNECTOR_NAMESPACE }), 'List Webhooks Hooks');
    const out: ActualHook[] = [];
    for (const hook of hooks) {
      const triggers = parse(z.array(TriggerJson), await this.get(companyId, `${HOOKS}/${hook.id}/triggers`), 'List Webhooks Triggers');
      out.push({
        id: hook.id,
        destinationUrl: hook.destination_url,
        apiVersion: hook.api_version ?? '',
        authorization: authorizationOf(hook.destination_headers),
        triggers: triggers.map((t) => ({ id: t.id, resourceName: t.resource_name, eventType: t.event_type })),
      });
    }
    return out;
  }

  async createHook(companyId: number, desired: DesiredHook): Promise<number> {
    const hook = {
      api_version: HOOK_API_VERSION,
      namespace: CONNECTOR_NAMESPACE,
      destination_url: desired.destinationUrl,
      destination_headers: this.headers(desired),
    };
    const res = await this.client.request({ method: 'POST', path: HOOKS, companyId, body: { company_id: companyId, hook }, deadline: this.deadline() });
    return parse(HookJson, res.data, 'Create Webhooks Hook').id;
  }

  async updateHook(companyId: number, hookId: number, desired: DesiredHook, changes: HookChange[]): Promise<void> {
    const hook: Record<string, unknown> = {};
    if (changes.includes('destination_url')) hook.destination_url = desired.destinationUrl;
    if (changes.includes('api_version')) hook.api_version = HOOK_API_VERSION;
    if (changes.includes('authorization')) hook.destination_headers = this.headers(desired);
    await this.client.request({ method: 'PATCH', path: `${HOOKS}/${hookId}`, companyId, body: { company_id: companyId, hook }, deadline: this.deadline() });
  }

  async deleteHook(companyId: number, hookId: number): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `${HOOKS}/${hookId}`, companyId, query: { company_id: companyId }, deadline: this.deadline() });
  }

  /** Bulk create (one call per hook). A 207 names the triggers Procore refused: that is an error here. */
  async createTriggers(companyId: number, hookId: number, triggers: TriggerSpec[]): Promise<void> {
    const res = await this.client.request({
      method: 'POST',
      path: `${HOOKS}/${hookId}/triggers/bulk`,
      companyId,
      body: {
        company_id: companyId,
        api_version: HOOK_API_VERSION,
        triggers: triggers.map((t) => ({ resource_name: t.resourceName, event_type: t.eventType })),
      },
      // A repeat cannot add a trigger twice: Procore refuses a duplicate (the simulator answers 422 per item).
      idempotent: true,
      deadline: this.deadline(),
    });
    this.refusals(res.data, `Bulk Create Triggers on hook ${hookId}`);
  }

  async deleteTriggers(companyId: number, hookId: number, triggerIds: number[]): Promise<void> {
    const res = await this.client.request({
      method: 'DELETE',
      path: `${HOOKS}/${hookId}/triggers/bulk`,
      companyId,
      body: { company_id: companyId, triggers: triggerIds },
      deadline: this.deadline(),
    });
    this.refusals(res.data, `Bulk Delete Triggers on hook ${hookId}`);
  }

  /** Newest first, at most `pageSize`; `status`: any | successful | failing | discarded. */
  async deliveries(companyId: number, hookId: number, options: { status: string; pageSize: number }): Promise<Delivery[]> {
    const data = await this.get(companyId, `${HOOKS}/${hookId}/deliveries`, { page_size: options.pageSize, 'filters[status]': options.status });
    return parse(z.array(DeliveryJson), data, 'List Webhooks Deliveries');
  }

  private async get(companyId: number, path: string, query: Record<string, string | number> = {}): Promise<unknown> {
    const res = await this.client.request({ method: 'GET', path, companyId, query: { company_id: companyId, ...query }, deadline: this.deadline() });
    return res.data;
  }

  private headers(desired: DesiredHook): Record<string, string> {
    return { [DELIVERY_AUTH_HEADER]: desired.authorization };
  }

  private refusals(data: unknown, what: string): void {
    const failed = parse(BulkJson, data ?? {}, what).failed ?? [];
    if (failed.length > 0) throw new Error(`${what}: Procore refused ${failed.length}: ${JSON.stringify(failed)}`);
  }

  private deadline(): number {
    return Date.now() + this.budgetMs;
  }
}
