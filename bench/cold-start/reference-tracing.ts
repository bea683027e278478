// What a stage with tracing "subsegments" adds to the references as it adds it to the handlers:
// Powertools' Tracer (and the X-Ray SDK it loads and its HTTP capture), capturing the reference's
// SDK clients. Bundled the same way as the handlers: CONNECTOR_BUNDLES_TRACER is the bundler's
// define (lib/config/tracing-mode.ts), false by default, and then the require below and Tracer leave
// the bundle, as they leave the handlers' (functions/commons/observability/powertools.ts).
import type { Tracer } from '@aws-lambda-powertools/tracer';

declare const CONNECTOR_BUNDLES_TRACER: boolean;

const tracer: Tracer | undefined = CONNECTOR_BUNDLES_TRACER
  ? new (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer()
  : undefined;

/** The client, captured by the Tracer where the bundle traces. */
export const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);
