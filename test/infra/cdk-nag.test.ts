// cdk-nag 3 (AwsSolutions and Serverless packs) over both stages (webhooks on, so the receiver and
// its consumer are checked too): no finding may stand unacknowledged, and every acknowledgement
// carries a reason a reviewer can check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { StageName } from '../../lib/config/stage-config';
import type { TracingMode } from '../../lib/config/tracing-mode';
import { buildConnectorApp } from '../../lib/connector-app';
import { enableWebhooks, filledInContext } from './synth';

function appFor(stage: StageName, tracing?: TracingMode) {
  // No synth needed: the packs walk the construct tree. Bundling is skipped (no assets are checked).
  const context = filledInContext();
  enableWebhooks(context.stages[stage]);
  if (tracing) context.stages[stage].tracing = tracing;
  return buildConnectorApp({ context: { ...context, stage, 'aws:cdk:bundling-stacks': [] } }).app;
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason }))),
    );
}

describe.each(['sandbox', 'production'] as const)('cdk-nag on %s', (stage) => {
  const app = appFor(stage);

  it.each([
    ['AwsSolutions', new AwsSolutionsChecks()],
    ['Serverless', new ServerlessChecks()],
  ] as const)('%s: zero unacknowledged findings (errors and warnings)', (_name, pack) => {
    expect(findingsOf(app, pack)).toEqual([]);
  });

  it('every acknowledgement names a rule and gives a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^(Annotation::)?(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });
});

function findingsOf(app: IConstruct, pack: AwsSolutionsChecks | ServerlessChecks): string[] {
  const report = pack.validateScope(app);
  const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`));
  return report.success || findings.length > 0 ? findings : ['the pack failed without a violation (a rule error)'];
}

it.each(['subsegments', 'off'] as const)('sandbox with tracing %j: zero unacknowledged findings in either pack', (tracing) => {
  const app = appFor('sandbox', tracing);
  expect([...findingsOf(app, new AwsSolutionsChecks()), ...findingsOf(app, new ServerlessChecks())]).toEqual([]);
});

it('an unacknowledged finding fails the synth (the checks are wired into the app)', () => {
  const { app, stack } = buildConnectorApp({
    context: { ...filledInContext(), stage: 'sandbox', 'aws:cdk:bundling-stacks': [] },
    outdir: mkdtempSync(path.join(tmpdir(), 'cdk-nag-')),
    cloudFormationValidation: false,
  });
  // A queue without a DLQ and without being one: AwsSolutions-SQS3 and Serverless-SQSRedrivePolicy.
  new Queue(stack, 'Unwatched', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*Unwatched|Unwatched[\s\S]*AwsSolutions-SQS3/);
  rmSync(app.outdir, { recursive: true, force: true });
});
