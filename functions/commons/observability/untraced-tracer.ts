// What a disabled Powertools Tracer does, without loading it: traces nothing, hands clients back as
// they are. Used where Tracer would be disabled anyway (powertools.ts), so Tracer and the X-Ray SDK
// are not evaluated there. Covers the calls the connector and Tracer's middy middleware make; the
// middleware calls nothing else once isTracingEnabled() is false.
import type { Tracer } from '@aws-lambda-powertools/tracer';

const untraced = {
  isTracingEnabled: () => false,
  captureAWSv3Client: <T>(client: T): T => client,
  getSegment: () => undefined,
  putAnnotation: () => undefined,
  putMetadata: () => undefined,
} satisfies Partial<Record<keyof Tracer, unknown>>;

export const untracedTracer = untraced as unknown as Tracer;
