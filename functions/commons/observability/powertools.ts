// One configured Logger, Metrics and Tracer per function, imported by every handler (as in
// Powertools' example app). Service name and metrics namespace come from POWERTOOLS_SERVICE_NAME
// and POWERTOOLS_METRICS_NAMESPACE, which the stack sets per function.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { LoggerLike } from './logger';
import { METRICS_NAMESPACE } from './names';
import { tracingEnabledIn } from './tracing-enabled';
import { untracedTracer } from './untraced-tracer';

export const logger = new Logger();
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
/**
 * Defined by the stack's bundler (lib/config/tracing-mode.ts, tracerBundleDefine): false unless the
 * stage's tracing is "subsegments", and esbuild then drops the require below, Tracer and the X-Ray
 * SDK from the bundle. Undefined where the sources run unbundled (tests through ts-jest/tsx).
 */
declare const CONNECTOR_BUNDLES_TRACER: boolean | undefined;

/**
 * Powertools' Tracer where it is bundled and traces (in Lambda, unless POWERTOOLS_TRACE_ENABLED=false);
 * elsewhere (tests, local runs, the bench) a stand-in that traces nothing, as a disabled Tracer does,
 * without evaluating the X-Ray SDK it imports (about 120 KB, which patches modules at load). Required,
 * not imported: a bundle that keeps it evaluates it on this call only (esbuild wraps a required module).
 */
export const tracer: Tracer =
  (typeof CONNECTOR_BUNDLES_TRACER === 'undefined' || CONNECTOR_BUNDLES_TRACER) && tracingEnabledIn(process.env)
    ? (require('./powertools-tracer') as typeof import('./powertools-tracer')).createTracer()
    : untracedTracer;

/** Powertools' Logger in the shape core code takes (its extra-argument typing differs). */
export const log: LoggerLike = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

/** A count metric, in the shape core code takes. */
export function countMetric(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
