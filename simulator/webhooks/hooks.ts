// Hooks and triggers as Procore keeps them: a hook belongs to one company or one project and a
// namespace, and carries the destination; its triggers name a resource and an event type.
// Fields as Procore's answers carry them (procore_python_sdk docs/WebhooksHook.md, WebhooksTrigger.md,
// generated from Procore's OpenAPI description).

export interface HookOwner {
  companyId: number;
  /** Set for a project-level hook: it reports that project's changes only. */
  projectId?: number;
}

export interface SimHook {
  id: number;
  owner: HookOwner;
  namespace: string;
  apiVersion: string;
  destinationUrl: string;
  destinationHeaders: Record<string, string>;
}

export interface SimTrigger {
  id: number;
  hookId: number;
  resourceName: string;
  eventType: string;
}

/** Namespaces are lowercase a-z and dashes; none given means "procore" (procore/documentation webhooks_api.md). */
export const DEFAULT_NAMESPACE = 'procore';
export const NAMESPACE_PATTERN = /^[a-z-]+$/;

export class HookRegistry {
  private nextId = 2 ** 32 + 500_000;
  private readonly hooks = new Map<number, SimHook>();
  private readonly triggers = new Map<number, SimTrigger>();

  /** `userId`: the service account, who owns what it creates (owned_by_user_id, user_id). */
  constructor(private readonly userId: number) {}

  list(filter: (hook: SimHook) => boolean = () => true): SimHook[] {
    return [...this.hooks.values()].filter(filter);
  }

  get(id: number): SimHook | undefined {
    return this.hooks.get(id);
  }

  create(hook: Omit<SimHook, 'id'>): SimHook {
    const created = { ...hook, id: this.nextId++ };
    this.hooks.set(created.id, created);
    return created;
  }

  update(id: number, fields: Partial<Pick<SimHook, 'apiVersion' | 'namespace' | 'destinationUrl' | 'destinationHeaders'>>): SimHook {
    const hook = this.hooks.get(id);
    if (!hook) throw new Error(`no hook ${id}`);
    Object.assign(hook, fields);
    return hook;
  }

  delete(id: number): void {
    this.hooks.delete(id);
    for (const trigger of this.triggersOf(id)) this.triggers.delete(trigger.id);
  }

  triggersOf(hookId: number): SimTrigger[] {
    return [...this.triggers.values()].filter((t) => t.hookId === hookId);
  }

  addTrigger(hookId: number, resourceName: string, eventType: string): SimTrigger {
    const trigger = { id: this.nextId++, hookId, resourceName, eventType };
    this.triggers.set(trigger.id, trigger);
    return trigger;
  }

  deleteTrigger(id: number): void {
    this.triggers.delete(id);
  }

  /** Hooks whose owner covers the change and that have a trigger for it. */
  matching(change: { companyId: number; projectId?: number; resourceName: string; eventType: string }): SimHook[] {
    return this.list(
      (hook) =>
        hook.owner.companyId === change.companyId &&
        (hook.owner.projectId === undefined || hook.owner.projectId === change.projectId) &&
        this.triggersOf(hook.id).some((t) => t.resourceName === change.resourceName && t.eventType === change.eventType),
    );
  }

  hookJson(hook: SimHook): Record<string, unknown> {
    return {
      id: hook.id,
      api_version: hook.apiVersion,
      namespace: hook.namespace,
      destination_url: hook.destinationUrl,
      destination_headers: hook.destinationHeaders,
      owned_by_company_id: hook.owner.projectId === undefined ? hook.owner.companyId : null,
      owned_by_project_id: hook.owner.projectId ?? null,
      owned_by_user_id: this.userId,
    };
  }

  triggerJson(trigger: SimTrigger): Record<string, unknown> {
    const hook = this.hooks.get(trigger.hookId);
    return {
      id: trigger.id,
      webhook_hook_id: trigger.hookId,
      resource_name: trigger.resourceName,
      resource_id: null,
      event_type: trigger.eventType,
      company_id: hook?.owner.projectId === undefined ? (hook?.owner.companyId ?? null) : null,
      project_id: hook?.owner.projectId ?? null,
      user_id: this.userId,
    };
  }
}
