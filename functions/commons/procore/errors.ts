// One error type for everything the Procore client can fail with: `kind` says whether Procore's
// answer may change on a later try, `errorClass`, `status`, `requestId` say what it was. What a
// caller does about it is decided in commons/failure (classify, decisions).
import { summarizeErrorBody } from './error-body';

export type ProcoreErrorKind = 'transient' | 'permanent';

export interface ProcoreErrorInit {
  message: string;
  kind: ProcoreErrorKind;
  errorClass: string;
  status?: number;
  requestId?: string;
  retryAt?: number;
  details?: unknown;
  cause?: unknown;
}

export class ProcoreError extends Error {
  override readonly name = 'ProcoreError';
  readonly kind: ProcoreErrorKind;
  /** Stable class: ProcoreRateLimited, ProcoreServerError, ProcoreNetworkError, ProcoreTimeout,
   * ProcoreValidation, ProcoreForbidden, ProcoreNotFound, ProcoreConflict, ProcoreBadRequest,
   * ProcoreNotAcceptable, ProcoreUnauthorized, ProcoreAuthError, ProcoreClientError, ProcoreInvalidResponse. */
  readonly errorClass: string;
  readonly status?: number;
  readonly requestId?: string;
  /** Epoch ms when a retry may succeed (Retry-After or X-Rate-Limit-Reset), when known. */
  readonly retryAt?: number;
  /** Parsed error body (field errors), safe to log. */
  readonly details?: unknown;

  constructor(init: ProcoreErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.errorClass = init.errorClass;
    if (init.status !== undefined) this.status = init.status;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.retryAt !== undefined) this.retryAt = init.retryAt;
    if (init.details !== undefined) this.details = init.details;
  }

  /** A log-safe view (no cause chain, which may hold request config). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      errorClass: this.errorClass,
      kind: this.kind,
      message: this.message,
      status: this.status,
      requestId: this.requestId,
      retryAt: this.retryAt,
      details: this.details,
    };
  }
}

const STATUS_CLASSES: Record<number, { errorClass: string; kind: ProcoreErrorKind }> = {
  400: { errorClass: 'ProcoreBadRequest', kind: 'permanent' },
  401: { errorClass: 'ProcoreUnauthorized', kind: 'permanent' },
  403: { errorClass: 'ProcoreForbidden', kind: 'permanent' },
  404: { errorClass: 'ProcoreNotFound', kind: 'permanent' },
  406: { errorClass: 'ProcoreNotAcceptable', kind: 'permanent' },
  // Procore answers 408 on large unfiltered reads; a later, smaller or quieter try can pass.
  408: { errorClass: 'ProcoreTimeout', kind: 'transient' },
  409: { errorClass: 'ProcoreConflict', kind: 'permanent' },
  422: { errorClass: 'ProcoreValidation', kind: 'permanent' },
  429: { errorClass: 'ProcoreRateLimited', kind: 'transient' },
};

export function classifyStatus(status: number): { errorClass: string; kind: ProcoreErrorKind } {
  const known = STATUS_CLASSES[status];
  if (known) return known;
  if (status >= 500) return { errorClass: 'ProcoreServerError', kind: 'transient' };
  return { errorClass: 'ProcoreClientError', kind: 'permanent' };
}

/** Epoch ms from `Retry-After` (seconds or HTTP date), else, for 429, from `X-Rate-Limit-Reset`. */
export function retryAtFromHeaders(status: number, headers: Record<string, string>, now: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(now, date);
  }
  if (status === 429) {
    const reset = Number(headers['x-rate-limit-reset']);
    if (Number.isFinite(reset) && reset > 0) return Math.max(now, reset * 1000);
  }
  return undefined;
}

export function procoreErrorFromResponse(input: {
  method: string;
  path: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  now: number;
}): ProcoreError {
  const { errorClass, kind } = classifyStatus(input.status);
  const summary = summarizeErrorBody(input.body);
  const requestId = input.headers['x-request-id'];
  const retryAt = retryAtFromHeaders(input.status, input.headers, input.now);
  return new ProcoreError({
    message: `Procore ${input.method} ${input.path} answered ${input.status}${summary.message ? `: ${summary.message}` : ''}`,
    kind,
    errorClass,
    status: input.status,
    requestId,
    retryAt,
    details: summary.details,
  });
}
