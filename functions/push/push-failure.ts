// How a push message failed, decided once: permanent failures go to the DLQ at once with their
// reason; transient ones go back to the queue (delayed until `retryAt` when Procore said when).
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { ProcoreError } from '../commons/procore/errors';
import { UnknownResourceError } from '../commons/resources/registry';

/** A message Procore will never accept as sent (the producer must change it). */
export class PushPermanentError extends Error {
  override readonly name = 'PushPermanentError';
  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FailureDecision {
  kind: 'permanent' | 'transient';
  errorClass: string;
  message: string;
  httpStatus?: number;
  procoreRequestId?: string;
  /** Epoch ms before which a retry is pointless (rate-limit reset, Retry-After). */
  retryAt?: number;
}

// Credentials trouble is the deployment's problem, not the message's: retry (the queue's redrive
// still ends it in the DLQ if it lasts) rather than dead-letter every message at once.
const TRANSIENT_PROCORE_CLASSES = new Set(['ProcoreAuthError', 'ProcoreUnauthorized']);

export function decideFailure(error: unknown): FailureDecision {
  if (error instanceof PushPermanentError || error instanceof UnknownResourceError) {
    return { kind: 'permanent', errorClass: error.errorClass, message: error.message };
  }
  if (error instanceof ProcoreError) {
    const kind = TRANSIENT_PROCORE_CLASSES.has(error.errorClass) ? 'transient' : error.kind;
    return {
      kind,
      errorClass: error.errorClass,
      message: error.message,
      ...(error.status === undefined ? {} : { httpStatus: error.status }),
      ...(error.requestId === undefined ? {} : { procoreRequestId: error.requestId }),
      ...(error.retryAt === undefined ? {} : { retryAt: error.retryAt }),
    };
  }
  if (error instanceof IdempotencyValidationError) {
    return {
      kind: 'permanent',
      errorClass: 'IdempotencyKeyReused',
      message: 'a different message with this id was already processed; ids must be unique per write',
    };
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return { kind: 'transient', errorClass: 'AlreadyInProgress', message: 'another invocation is applying a message with this id' };
  }
  const message = error instanceof Error ? error.message : String(error);
  const errorClass = error instanceof Error ? error.name : 'Error';
  // Anything else (AWS SDK throttling, DynamoDB trouble, an unforeseen bug) is retried: the queue's
  // maxReceiveCount bounds it and the DLQ keeps the message if it never passes.
  return { kind: 'transient', errorClass: errorClass || 'UnexpectedError', message };
}
