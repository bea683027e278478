// What a failed S3 object request (s3-objects.ts) throws, and which failures are worth another try.
// It classifies itself (functions/commons/failure/classify.ts) as the S3 SDK's errors were
// classified before s3-objects.ts replaced the SDK: transient, under S3's error Code as its class
// (the SDK named its errors by that Code), so the worker and the events consumer retry the message
// and dead-letter it with this reason on their last attempt, as before.

/** Codes S3 answers for a request that may pass when sent again (the SDK's transient and throttling codes). */
const RETRYABLE_CODES = new Set(['RequestTimeout', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'Throttling', 'ThrottlingException']);

export interface S3Answer {
  status: number;
  /** `<Code>` of S3's XML error body, when it has one. */
  code?: string | undefined;
  /** x-amz-request-id, for AWS support. */
  requestId?: string | undefined;
}

/** 5xx, 429 and the retryable codes may pass on another try; 403, 404 and the like will not. */
export function isRetryableAnswer({ status, code }: S3Answer): boolean {
  return status >= 500 || status === 429 || (code !== undefined && RETRYABLE_CODES.has(code));
}

/** `<Code>` of an S3 error body (`<Error><Code>AccessDenied</Code>…`). Only the code: other elements can echo the request's signing details. */
export function s3ErrorCode(body: string): string | undefined {
  return /<Code>([A-Za-z0-9.]{1,100})<\/Code>/.exec(body)?.[1];
}

export class S3RequestError extends Error {
  override readonly name = 'S3RequestError';
  readonly kind = 'transient';
  /** S3's error Code (AccessDenied, NoSuchKey, SlowDown…), `S3Http<status>` without one, NetworkError when no answer came. */
  readonly errorClass: string;
  readonly status: number | undefined;

  constructor(what: { operation: string; bucket: string; key: string; attempts: number }, failure: S3Answer | { network: string }) {
    const where = `S3 ${what.operation} s3://${what.bucket}/${what.key}`;
    const tries = `after ${what.attempts} attempt${what.attempts === 1 ? '' : 's'}`;
    if ('network' in failure) {
      super(`${where}: no answer (${failure.network}) ${tries}`);
      this.errorClass = 'NetworkError';
      this.status = undefined;
    } else {
      const request = failure.requestId ? `, request id ${failure.requestId}` : '';
      super(`${where}: HTTP ${failure.status} ${failure.code ?? '(no error code)'}${request} ${tries}`);
      this.errorClass = failure.code ?? `S3Http${failure.status}`;
      this.status = failure.status;
    }
  }
}
