// The stage's tracing setting and what it turns on in each function. Lambda's active tracing records
// every invocation's segments without any SDK in the function; Powertools Tracer's subsegments (AWS
// SDK and Procore calls, handler annotations) need Tracer and the X-Ray SDK it imports
// (aws-xray-sdk-core), which entered maintenance on 2026-02-25 and reaches end of support on
// 2027-02-25, AWS recommending OpenTelemetry instead
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon-eos.html), and which costs each
// handler's cold start about 0.1 of its load ratio (README, Cold start): so they are opt-in.
import { z } from 'zod';

const TRACING_MODES = ['lambda', 'subsegments', 'off'] as const;
/** "lambda": active tracing (service segments); "subsegments": that and Powertools Tracer's; "off": neither. */
export const TracingModeSchema = z.enum(TRACING_MODES);
export type TracingMode = z.infer<typeof TracingModeSchema>;
export const DEFAULT_TRACING_MODE: TracingMode = 'lambda';

/** Whether Lambda's active tracing is on (it also adds the xray:PutTraceSegments grant). */
export const activeTracing = (mode: TracingMode): boolean => mode !== 'off';

/**
 * The Powertools variables a function gets: POWERTOOLS_TRACE_ENABLED=false unless the stage asks for
 * subsegments, so the handler neither loads Tracer nor the X-Ray SDK
 * (functions/commons/observability/tracing-enabled.ts decides as Tracer does).
 */
export function tracingEnvironment(mode: TracingMode): Record<string, string> {
  return mode === 'subsegments' ? {} : { POWERTOOLS_TRACE_ENABLED: 'false' };
}

/**
 * What esbuild defines when it bundles a handler for the stage: CONNECTOR_BUNDLES_TRACER false unless
 * the stage asks for subsegments, so the bundle leaves Tracer and the X-Ray SDK out altogether
 * (functions/commons/observability/powertools.ts; about 120 KB a handler would otherwise carry and
 * V8 would parse at every cold start without running it).
 */
export function tracerBundleDefine(mode: TracingMode): Record<string, string> {
  return { CONNECTOR_BUNDLES_TRACER: mode === 'subsegments' ? 'true' : 'false' };
}
