// The Procore client's instrumentation in the functions: an X-Ray subsegment per HTTP attempt
// (Powertools Tracer; captureAsyncFunc runs each in its own trace context, so concurrent calls do
// not share one) and a count of the waits after a 429. The CLI builds its client without these.
import type { HttpResult } from '../procore/http';
import type { ProcoreCallInfo, ProcoreClientHooks } from '../procore/client';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { countMetric, metrics, tracer } from './powertools';

export const procoreClientHooks: ProcoreClientHooks = {
  aroundCall(call: ProcoreCallInfo, send: () => Promise<HttpResult>): Promise<HttpResult> {
    if (!tracer.isTracingEnabled()) return send();
    return tracer.provider.captureAsyncFunc(`Procore ${call.method}`, async (subsegment) => {
      subsegment?.addAnnotation('procoreAttempt', call.attempt);
      subsegment?.addMetadata('path', call.path);
      try {
        const result = await send();
        subsegment?.addAnnotation('procoreStatus', result.status);
        return result;
      } catch (error) {
        subsegment?.addError(error as Error);
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as Promise<HttpResult>;
  },
  onRateLimitWait(_call: ProcoreCallInfo, delayMs: number): void {
    countMetric('ProcoreRateLimitWaits');
    metrics.addMetric('ProcoreRateLimitWaitTime', MetricUnit.Milliseconds, Math.round(delayMs));
  },
};
