// The one place that says what kind of failure an error is. Push, the pull worker and the planner
// each decide what to do with the kind (decisions.ts); none of them inspects errors itself.
//   permanent: the input can never succeed as sent (Procore 400/403/404/406/409/422, invalid
//              message or job, unknown resource, a reused idempotency key).
//   transient: may pass on a later try (network, timeouts, 429, 5xx, AWS trouble, anything
//              unforeseen: the queue's maxReceiveCount bounds it).
//   auth:      the deployment's credentials, not the input (DMSA secret missing, unreadable or
//              invalid; Procore refusing the client credentials; a 401 even after renewing the token).
// The errorClass and reason travel unchanged to logs, dead letters and the sync state.
import { DmsaSecretError } from '../credentials/dmsa-secret';
import { ProcoreError } from '../procore/errors';

export type FailureKind = 'permanent' | 'transient' | 'auth';

export interface Failure {
  kind: FailureKind;
  /** Stable class, e.g. ProcoreForbidden, SchemaInvalid, DmsaSecretUnreadable, NetworkError. */
  errorClass: string;
  /** What went wrong and where; never a secret or a token. */
  reason: string;
  httpStatus?: number;
  procoreRequestId?: string;
  /** Epoch ms before which a retry is pointless (rate-limit reset, Retry-After), when known. */
  retryAt?: number;
}

// Connection-level failures outside the Procore client (the client turns its own into ProcoreErrors).
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Powertools idempotency errors, known by the names Powertools gives them: importing the classes
// would put the idempotency package into every function's bundle. test/failure checks the names.
const IDEMPOTENCY_FAILURES: Record<string, Omit<Failure, 'httpStatus' | 'procoreRequestId' | 'retryAt'>> = {
  IdempotencyValidationError: {
    kind: 'permanent',
    errorClass: 'IdempotencyKeyReused',
    reason: 'a different message with this id was already processed; ids must be unique per write',
  },
  IdempotencyAlreadyInProgressError: {
    kind: 'transient',
    errorClass: 'AlreadyInProgress',
    reason: 'another invocation is applying a message with this id',
  },
};

export function classify(error: unknown): Failure {
  if (error instanceof ProcoreError) return fromProcoreError(error);
  if (error instanceof DmsaSecretError) return { kind: 'auth', errorClass: error.errorClass, reason: error.message };
  if (!(error instanceof Error)) return { kind: 'transient', errorClass: 'Error', reason: String(error) };
  const idempotency = IDEMPOTENCY_FAILURES[error.name];
  if (idempotency) return { ...idempotency };
  const self = error as Error & { kind?: unknown; errorClass?: unknown };
  if (self.kind === 'permanent' || self.kind === 'transient') {
    // Errors that classify themselves (PermanentError, UnknownResourceError, ...).
    return { kind: self.kind, errorClass: typeof self.errorClass === 'string' ? self.errorClass : error.name, reason: error.message };
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return { kind: 'transient', errorClass: 'NetworkError', reason: `${code}: ${error.message}` };
  }
  // Anything else (AWS SDK throttling, DynamoDB trouble, a bug) is retried under its own name: the
  // queue's maxReceiveCount bounds it, and the last receive dead-letters it with this reason.
  return { kind: 'transient', errorClass: error.name || 'UnexpectedError', reason: error.message };
}

function fromProcoreError(error: ProcoreError): Failure {
  // ProcoreAuthError: the token endpoint refused the client credentials (after re-reading the
  // secret), or the API answered 401 to a freshly issued token.
  const auth = error.errorClass === 'ProcoreAuthError' || error.status === 401;
  return {
    kind: auth ? 'auth' : error.kind,
    errorClass: error.errorClass,
    reason: error.message,
    httpStatus: error.status,
    procoreRequestId: error.requestId,
    retryAt: error.retryAt,
  };
}
