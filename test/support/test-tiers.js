// Which tier each test file belongs to (jest.config.js turns these lists into Jest projects).
//
// - unit: no moto, no Procore simulator, no child process servers, no real waits; the whole tier
//   runs in about 15 s on 2 cores (`npm run test:unit`, must stay under 30 s).
//   The unit project has no global setup (no moto) and points the AWS SDK at a closed loopback
//   port (test/support/unit-environment.js), so a unit test that calls AWS fails at once.
// - e2e: the real deploy into moto, the `npm start` run, the chaos scenarios, the full-size pull.
// - integration: EVERY OTHER test file, including any new one: a file is integration unless it is
//   named below. Add a new file to UNIT only when it needs neither moto nor the simulator.
//
// Paths are relative to the repository root.

const UNIT = [
  'test/app-manifest/manifest.test.ts',
  'test/cli/webhook-plan.test.ts',
  'test/chaos/log-scan.test.ts',
  // The CDK template tests synthesize without bundling (no esbuild, no AWS): a few seconds each.
  'test/infra/cdk-nag.test.ts',
  'test/infra/connector-stack.test.ts',
  'test/infra/declared-resources.test.ts',
  'test/app-manifest/declared-permissions.test.ts',
  'test/infra/stage-config.test.ts',
  'test/infra/webhooks-stack.test.ts',
  'test/local/start-summary.test.ts',
  'test/procore/errors.test.ts',
  'test/procore/rate-pacer.test.ts',
  'test/procore/registry.test.ts',
  'test/pull/discovery-ids.test.ts',
  'test/pull/fair-turn.test.ts',
  'test/pull/record-envelope.test.ts',
  'test/push/batch-upsert-plan.test.ts',
  'test/push/push-failure.test.ts',
  'test/push/push-message-contract.test.ts',
  'test/queues/sqs-signature.test.ts',
  'test/scripts/check-header-imports.test.ts',
  'test/simulator/resources.test.ts',
  'test/webhooks/webhook-coalesce.test.ts',
];

const E2E = [
  'test/infra/moto-deploy.test.ts',
  'test/local/start.test.ts',
  'test/chaos/bad-input.test.ts',
  'test/chaos/pull-chaos.test.ts',
  'test/chaos/push-chaos.test.ts',
  'test/pull/pull-pipeline.test.ts',
];

module.exports = { UNIT, E2E };
