// What a failed AWS request sent without its SDK client throws (the claim check's S3 objects,
// s3-objects.ts; SQS SendMessageBatch, sqs-message-batch-request.ts), which answers are worth
// another try, and the bounded retry both use. It classifies itself
// (functions/commons/failure/classify.ts) as the SDK's errors were classified before: transient,
// under the service's error code as its class (the SDK named its errors by that code), so the
// functions retry the message and dead-letter it with this reason on its last attempt, as before.
import { fullJitterDelay, realSleep, type Sleep } from '../procore/timing';

/**
 * Codes answered for a request that may pass when sent again: the SDK's standard retry mode's
 * transient and throttling codes that S3 and SQS answer, and SQS's own throttling codes
 * (RequestThrottled, KmsThrottled: "The request was denied due to request throttling",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html#API_SendMessageBatch_Errors).
 */
const RETRYABLE_CODES = new Set([
  'RequestTimeout',
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'KmsThrottled',
]);

export interface AwsAnswer {
  status: number;
  /** The service's error code (S3's XML `<Code>`, SQS's JSON `__type` without its namespace), when it gave one. */
  code?: string | undefined;
  /** x-amz-request-id / x-amzn-RequestId, for AWS support. */
  requestId?: string | undefined;
}

/** No answer at all: what the socket said (never the request's headers). */
export interface NoAnswer {
  network: string;
}

/** A request that got no answer, as its error tells it: Node's http puts the socket's code on the error, fetch (undici) on its `cause`. */
export function noAnswer(error: unknown): NoAnswer {
  const cause = (error as { cause?: unknown }).cause;
  const socket = (typeof cause === 'object' && cause !== null ? cause : error) as { code?: unknown; message?: unknown };
  const code = typeof socket.code === 'string' ? `${socket.code}: ` : '';
  return { network: `${code}${typeof socket.message === 'string' ? socket.message : String(error)}` };
}

/** 5xx, 429 and the retryable codes may pass on another try; 400, 403, 404 and the like will not. */
function isRetryableAnswer({ status, code }: AwsAnswer): boolean {
  return status >= 500 || status === 429 || (code !== undefined && RETRYABLE_CODES.has(code));
}

/** The request in words: service, operation and what it addressed (`S3 GetObject s3://bucket/key`). */
interface AwsRequestName {
  service: keyof typeof HTTP_CLASS_PREFIX;
  operation: string;
  target: string;
}

/** The class of an answer without an error code, as the SDK named such errors per service. */
const HTTP_CLASS_PREFIX = { S3: 'S3Http', SQS: 'SqsHttp' } as const;

export class AwsRequestError extends Error {
  override readonly name = 'AwsRequestError';
  readonly kind = 'transient';
  /** The service's error code (AccessDenied, NoSuchKey, QueueDoesNotExist…), `<Service>Http<status>` without one, NetworkError when no answer came. */
  readonly errorClass: string;

  constructor(what: AwsRequestName & { attempts: number }, failure: AwsAnswer | NoAnswer) {
    const where = `${what.service} ${what.operation} ${what.target}`;
    const tries = `after ${what.attempts} attempt${what.attempts === 1 ? '' : 's'}`;
    if ('network' in failure) {
      super(`${where}: no answer (${failure.network}) ${tries}`);
      this.errorClass = 'NetworkError';
    } else {
      const request = failure.requestId ? `, request id ${failure.requestId}` : '';
      super(`${where}: HTTP ${failure.status} ${failure.code ?? '(no error code)'}${request} ${tries}`);
      this.errorClass = failure.code ?? `${HTTP_CLASS_PREFIX[what.service]}${failure.status}`;
    }
  }
}

interface AwsRetryOptions {
  /** Attempts in all, the first included (the SDK's standard retry mode: 3). */
  maxAttempts: number;
  sleep?: Sleep;
  random?: () => number;
}

/** Full jitter over 100 ms × 2^attempt, at most 20 s: the SDK's standard retry backoff. */
export const SDK_STANDARD_BACKOFF = { baseMs: 100, capMs: 20_000 };

/**
 * Sends with `attempt` until it answers with a value, a failure that is not worth another try, or
 * `maxAttempts` run out (then AwsRequestError). Each attempt signs afresh: a signature is valid for
 * minutes only, and the credentials may have been renewed.
 */
export async function withAwsRetries<T>(
  what: AwsRequestName,
  attempt: () => Promise<{ value: T } | { failure: AwsAnswer | NoAnswer }>,
  options: AwsRetryOptions,
): Promise<T> {
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt();
    if ('value' in outcome) return outcome.value;
    const { failure } = outcome;
    const retryable = 'network' in failure || isRetryableAnswer(failure);
    if (!retryable || attempts >= options.maxAttempts) throw new AwsRequestError({ ...what, attempts }, failure);
    await (options.sleep ?? realSleep)(fullJitterDelay(attempts, options.random ?? Math.random, SDK_STANDARD_BACKOFF));
  }
}
