// The stage's tracing setting (lib/config/tracing-mode.ts), per mode, in the synthesized template of
// every function (webhooks on, so all five): Lambda's active tracing and its X-Ray grant unless "off";
// POWERTOOLS_TRACE_ENABLED=false, so handlers load neither Powertools Tracer nor the X-Ray SDK,
// unless "subsegments".
import { loadStageConfig } from '../../lib/config/stage-config';
import { cdkJsonContext, enableWebhooks, removeSynthOutputs, synthStage } from './synth';
import { FUNCTIONS, tracingOf, type FunctionPrefix } from './template-queries';

const PREFIXES = Object.keys(FUNCTIONS) as FunctionPrefix[];
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

afterAll(removeSynthOutputs);

it.each([
  ['lambda', { mode: 'Active', traceEnabled: 'false', onEveryResource: XRAY }],
  ['subsegments', { mode: 'Active', traceEnabled: undefined, onEveryResource: XRAY }],
  ['off', { mode: undefined, traceEnabled: 'false', onEveryResource: [] }],
] as const)('tracing %j: every function gets %j', (tracing, expected) => {
  const s = synthStage('sandbox', {
    change: (config) => {
      enableWebhooks(config);
      config.tracing = tracing;
    },
  });
  for (const prefix of PREFIXES) expect({ prefix, ...tracingOf(s, prefix) }).toEqual({ prefix, ...expected });
});

it('without a tracing setting a stage traces as "lambda": service segments, no Powertools Tracer', () => {
  const context = cdkJsonContext();
  delete context.stages.sandbox.tracing;
  expect(loadStageConfig({ ...context, stage: 'sandbox' }).config.tracing).toBe('lambda');
});

it('an unknown tracing setting stops synth, naming the field and the choices', () => {
  const context = cdkJsonContext();
  context.stages.sandbox.tracing = 'xray';
  expect(() => loadStageConfig({ ...context, stage: 'sandbox' })).toThrow(/stages\.sandbox\.tracing: .*"lambda".*"subsegments".*"off"/);
});
