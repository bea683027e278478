// The pure core of `connector webhooks plan|apply`: desired hooks and triggers against Procore's.
import { desiredTriggers, describeAction, planCompanyHooks, type ActualHook, type DesiredHook } from '../../cli/webhooks/hook-plan';
import { loadStageConfig } from '../../lib/config/stage-config';
import { WebhooksConfigSchema } from '../../lib/config/webhooks-config';

const SECRET = 'header-secret-value';
const desired: DesiredHook = {
  destinationUrl: 'https://hooks.example.net/procore',
  authorization: SECRET,
  triggers: [
    { resourceName: 'RFIs', eventType: 'create' },
    { resourceName: 'RFIs', eventType: 'update' },
  ],
};

function hook(id: number, fields: Partial<ActualHook> = {}): ActualHook {
  return {
    id,
    destinationUrl: desired.destinationUrl,
    apiVersion: 'v2',
    authorization: SECRET,
    triggers: desired.triggers.map((t, i) => ({ ...t, id: id * 10 + i })),
    ...fields,
  };
}

describe('desired triggers from the webhooks block', () => {
  it('names resources as Procore does, skipping the events Procore does not offer', () => {
    const config = WebhooksConfigSchema.parse({ enabled: true, resources: ['rfis', 'vendors'], headerSecret: 'procore-connector/sandbox/webhook-header' });
    expect(config.events).toEqual(['create', 'update', 'delete']);
    expect(config.reconcileSchedule).toBe('rate(1 day)');
    const { triggers, notOffered } = desiredTriggers(config);
    expect(triggers.map((t) => `${t.resourceName}:${t.eventType}`)).toEqual([
      'RFIs:create',
      'RFIs:update',
      'RFIs:delete',
      'Company Vendors:create',
      'Company Vendors:update',
    ]);
    expect(notOffered).toEqual(['vendors delete (Procore offers create, update on "Company Vendors")']);
  });

  it('refuses an http destination other than loopback, and unknown resources', () => {
    const base = { enabled: true, resources: ['rfis'], headerSecret: 's' };
    expect(WebhooksConfigSchema.safeParse({ ...base, destinationUrl: 'http://hooks.example.net' }).success).toBe(false);
    expect(WebhooksConfigSchema.safeParse({ ...base, destinationUrl: 'http://127.0.0.1:9000/events' }).success).toBe(true);
    expect(WebhooksConfigSchema.safeParse({ ...base, resources: ['daily_logs'] }).success).toBe(false);
    expect(WebhooksConfigSchema.safeParse({ ...base, reconcileSchedule: 'rate(1 days)' }).success).toBe(false);
  });
});

describe('the webhooks block in a stage', () => {
  const stage = (webhooks: unknown) => ({
    stage: 'sandbox',
    stages: {
      sandbox: {
        procore: { name: 'sandbox' },
        dmsaSecret: 'procore-connector/sandbox/dmsa',
        sync: { resources: ['rfis', 'vendors'], schedule: 'rate(1 hour)' },
        webhooks,
      },
    },
  });

  it('is optional, and takes its defaults', () => {
    expect(loadStageConfig(stage(undefined)).config.webhooks).toBeUndefined();
    expect(loadStageConfig(stage({ enabled: true, resources: ['rfis'], headerSecret: 'procore-connector/sandbox/webhook-header' })).config.webhooks).toEqual({
      enabled: true,
      resources: ['rfis'],
      events: ['create', 'update', 'delete'],
      headerSecret: 'procore-connector/sandbox/webhook-header',
      reconcileSchedule: 'rate(1 day)',
    });
  });

  it('names what is wrong: a resource the schedule does not pull, an unknown field', () => {
    expect(() => loadStageConfig(stage({ enabled: true, resources: ['submittals'], headerSecret: 's' }))).toThrow(
      'stages.sandbox.webhooks.resources: submittals not in sync.resources',
    );
    expect(() => loadStageConfig(stage({ enabled: true, resources: ['rfis'], headerSecret: 's', secret: 'x' }))).toThrow(
      /stages\.sandbox\.webhooks: Unrecognized key/,
    );
  });
});

describe('planCompanyHooks', () => {
  it('creates the hook with every trigger in a fresh company, and changes nothing once it matches', () => {
    expect(planCompanyHooks(desired, [])).toEqual([{ kind: 'create-hook', destinationUrl: desired.destinationUrl, triggers: desired.triggers }]);
    expect(planCompanyHooks(desired, [hook(1)])).toEqual([]);
  });

  it('adds missing triggers and removes extra and repeated ones', () => {
    const actual = hook(1, {
      triggers: [
        { id: 11, resourceName: 'RFIs', eventType: 'create' },
        { id: 12, resourceName: 'RFIs', eventType: 'create' },
        { id: 13, resourceName: 'Submittals', eventType: 'delete' },
      ],
    });
    expect(planCompanyHooks(desired, [actual])).toEqual([
      { kind: 'create-triggers', hookId: 1, triggers: [{ resourceName: 'RFIs', eventType: 'update' }] },
      {
        kind: 'delete-triggers',
        hookId: 1,
        triggers: [
          { id: 12, resourceName: 'RFIs', eventType: 'create' },
          { id: 13, resourceName: 'Submittals', eventType: 'delete' },
        ],
      },
    ]);
  });

  it('updates the destination, payload version and a header that differs; an unreadable header only when forced', () => {
    expect(planCompanyHooks(desired, [hook(1, { destinationUrl: 'https://old.example.net', apiVersion: 'v4', authorization: 'old' })])).toEqual([
      { kind: 'update-hook', hookId: 1, changes: ['destination_url', 'api_version', 'authorization'] },
    ]);
    expect(planCompanyHooks(desired, [hook(1, { authorization: undefined })])).toEqual([]);
    expect(planCompanyHooks(desired, [hook(1, { apiVersion: 'v2.0' })])).toEqual([]);
    expect(planCompanyHooks(desired, [hook(1, { authorization: undefined })], { forceHeader: true })).toEqual([
      { kind: 'update-hook', hookId: 1, changes: ['authorization'] },
    ]);
  });

  it('keeps one hook per company: the one at the destination, else the oldest', () => {
    const actions = planCompanyHooks(desired, [hook(5, { destinationUrl: 'https://old.example.net' }), hook(7)]);
    expect(actions).toEqual([{ kind: 'delete-hook', hookId: 5, reason: 'a second hook in the namespace (hook 7 is kept)' }]);
    expect(
      planCompanyHooks(desired, [hook(9, { destinationUrl: 'https://a.example.net' }), hook(3, { destinationUrl: 'https://b.example.net' })]).map(
        (a) => a.kind,
      ),
    ).toEqual(['delete-hook', 'update-hook']);
  });

  it('deletes every hook of the namespace when webhooks are disabled', () => {
    expect(planCompanyHooks(undefined, [hook(1), hook(2)]).map((a) => [a.kind, 'hookId' in a ? a.hookId : undefined])).toEqual([
      ['delete-hook', 1],
      ['delete-hook', 2],
    ]);
    expect(planCompanyHooks(undefined, [])).toEqual([]);
  });

  it('describes actions without the header value', () => {
    const lines = planCompanyHooks(desired, [hook(1, { authorization: 'old', destinationUrl: 'https://old.example.net' })]).map(describeAction);
    expect(lines).toEqual(['~ update hook 1: destination_url, Authorization header (from the header secret)']);
    expect(describeAction({ kind: 'create-hook', destinationUrl: desired.destinationUrl, triggers: desired.triggers })).toBe(
      '+ create hook → https://hooks.example.net/procore with 2 trigger(s): RFIs:create, RFIs:update',
    );
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
