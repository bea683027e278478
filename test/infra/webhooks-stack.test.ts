// The webhook parts of the stack, from the synthesized template: off unless the stage config turns
// them on; on, a public receiver URL, an events queue with its DLQ consumed in batches, and the
// reconciliation rule whose event the planner reads as a reconciliation run.
import { ScheduledEventSchema } from '../../functions/pull/planner-handler';
import { PlannerConfigSchema } from '../../functions/pull/sync-config';
import { loadStageConfig, StageConfigError } from '../../lib/config/stage-config';
import { enableWebhooks, filledInContext, removeSynthOutputs, synthStage } from './synth';
import { resources } from './template-queries';

afterAll(removeSynthOutputs);

function configError(change: (config: Record<string, any>) => void): string {
  const context = filledInContext();
  change(context.stages.sandbox);
  try {
    loadStageConfig({ stage: 'sandbox', stages: context.stages });
  } catch (error) {
    expect(error).toBeInstanceOf(StageConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a StageConfigError');
}

/**
 * An EventBridge input template with its placeholders filled as EventBridge fills them: a bare
 * `<name>` takes the JSON value at its path (a string arrives quoted), a quoted one its text.
 */
function render(template: string, paths: Record<string, string>): unknown {
  const event: Record<string, string> = { time: '2026-11-30T04:00:00Z', source: 'aws.events', account: '123456789012', region: 'eu-west-1', id: 'abc' };
  const value = (name: string) => event[(paths[name] ?? '').replace(/^\$\./, '')] ?? `unknown ${name}`;
  return JSON.parse(
    template.replace(/"<([^>]+)>"|<([^>]+)>/g, (_m, quoted: string | undefined, bare: string | undefined) => JSON.stringify(value(quoted ?? bare!))),
  );
}

describe('webhooks in the stack', () => {
  it.each([
    ['absent', undefined],
    ['disabled', { enabled: false, resources: ['rfis'], headerSecret: 'procore-connector/webhook-header' }],
  ])('are off when the block is %s: no receiver, no events queue, one schedule, nothing reconciled', (_case, block) => {
    const s = synthStage('sandbox', { change: (c) => (block === undefined ? delete c.webhooks : (c.webhooks = block)) });
    expect(resources(s, 'AWS::Lambda::Url')).toEqual([]);
    expect(resources(s, 'AWS::Events::Rule')).toHaveLength(1);
    expect(Object.keys(s.json.Resources).filter((id) => id.startsWith('Webhooks'))).toEqual([]);
  });

  it('on: a public receiver URL (output), an events queue + DLQ consumed in batches with a window, and the consumer told its resources', () => {
    const s = synthStage('sandbox', { change: enableWebhooks });
    expect(s.json.Outputs.WebhookReceiverUrl.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WebhooksReceiverFunctionFunctionUrl/), 'FunctionUrl'] });
    const [, mapping] = resources(s, 'AWS::Lambda::EventSourceMapping').find(([id]) => id.startsWith('WebhooksConsumer'))!;
    expect(mapping.Properties).toMatchObject({ BatchSize: 100, MaximumBatchingWindowInSeconds: 2, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const consumer = resources(s, 'AWS::Lambda::Function').find(([id]) => id.startsWith('WebhooksConsumer'))![1];
    expect(consumer.Properties.Environment.Variables).toMatchObject({ WEBHOOK_RESOURCES: 'rfis,vendors' });
    const queueNames = resources(s, 'AWS::SQS::Queue').map(([, q]) => q.Properties.QueueName);
    expect(queueNames).toEqual(expect.arrayContaining(['procore-connector-sandbox-webhook-events', 'procore-connector-sandbox-webhook-events-dlq']));
  });

  it('on: the webhook resources are pulled on reconcileSchedule, by an event the planner reads as a reconciliation run', () => {
    const s = synthStage('sandbox', {
      change: (c) => {
        enableWebhooks(c);
        c.webhooks.reconcileSchedule = 'cron(0 3 * * ? *)';
      },
    });
    const rules = resources(s, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const stageRule = rules.find((r) => r.ScheduleExpression === s.config.sync.schedule)!;
    const reconcile = rules.find((r) => r.ScheduleExpression === 'cron(0 3 * * ? *)')!;
    expect(stageRule.Targets[0].InputTransformer).toBeUndefined();
    const { InputPathsMap, InputTemplate } = reconcile.Targets[0].InputTransformer;
    const event = ScheduledEventSchema.parse(render(InputTemplate, InputPathsMap));
    expect(event).toMatchObject({ 'detail-type': 'Scheduled Event', time: '2026-11-30T04:00:00Z', connector: { run: 'reconcile' } });
    expect(reconcile.Targets[0].Arn).toEqual(stageRule.Targets[0].Arn);
    expect(PlannerConfigSchema.parse({ resources: ['rfis'], reconciledResources: ['rfis'] }).reconciledResources).toEqual(['rfis']);
  });

  it('a webhook resource the schedule does not pull stops synth, naming the field (its pull is the reconciliation)', () => {
    const notPulled = (c: Record<string, any>) => {
      c.sync.resources = c.sync.resources.filter((r: string) => r !== 'company_users');
      c.webhooks = { enabled: true, headerSecret: 'x', resources: ['company_users'] };
    };
    expect(configError(notPulled)).toMatch(/^stages\.sandbox\.webhooks\.resources: company_users not in sync\.resources/);
  });
});
