// Powertools' Tracer, in a module of its own so powertools.ts can `require` it only where it traces:
// esbuild evaluates a required module (and what it alone imports: the X-Ray SDK) on that call.
import { Tracer } from '@aws-lambda-powertools/tracer';

/** @public Required (not imported) by powertools.ts, which static analysis does not follow. */
export const createTracer = (): Tracer => new Tracer();
