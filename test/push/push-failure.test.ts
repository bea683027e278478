// Which failures dead-letter a push message at once and which send it back to the queue.
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { ProcoreError, classifyStatus } from '../../functions/commons/procore/errors';
import { getResource } from '../../functions/commons/resources/registry';
import { decideFailure, PushPermanentError } from '../../functions/push/push-failure';

function procoreError(status: number, extra: { retryAt?: number; requestId?: string } = {}): ProcoreError {
  return new ProcoreError({ message: `Procore answered ${status}`, status, ...classifyStatus(status), ...extra });
}

describe('push failure decisions', () => {
  it.each([400, 403, 404, 406, 409, 422])('Procore %i is permanent, with status and request id', (status) => {
    expect(decideFailure(procoreError(status, { requestId: 'req-1' }))).toMatchObject({ kind: 'permanent', httpStatus: status, procoreRequestId: 'req-1' });
  });

  it.each([429, 500, 502, 503, 504])('Procore %i is transient and keeps retryAt', (status) => {
    expect(decideFailure(procoreError(status, { retryAt: 1234 }))).toMatchObject({ kind: 'transient', httpStatus: status, retryAt: 1234 });
  });

  it('treats rejected DMSA credentials as transient: a deployment problem, not the message', () => {
    const auth = new ProcoreError({ message: 'Procore rejected the DMSA client credentials', kind: 'permanent', errorClass: 'ProcoreAuthError', status: 401 });
    expect(decideFailure(auth)).toMatchObject({ kind: 'transient', errorClass: 'ProcoreAuthError' });
  });

  it('classifies the connector and idempotency outcomes', () => {
    expect(decideFailure(new PushPermanentError('OriginIdNotFound', 'originId: none'))).toEqual({ kind: 'permanent', errorClass: 'OriginIdNotFound', message: 'originId: none' });
    let unknown: unknown;
    try {
      getResource('widgets');
    } catch (error) {
      unknown = error;
    }
    expect(decideFailure(unknown)).toMatchObject({ kind: 'permanent', errorClass: 'UnknownResource' });
    expect(decideFailure(new IdempotencyValidationError('mismatch'))).toMatchObject({ kind: 'permanent', errorClass: 'IdempotencyKeyReused' });
    expect(decideFailure(new IdempotencyAlreadyInProgressError('busy'))).toMatchObject({ kind: 'transient', errorClass: 'AlreadyInProgress' });
  });

  it('retries anything unforeseen (AWS errors, bugs) rather than dropping it', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect(decideFailure(throttled)).toEqual({ kind: 'transient', errorClass: 'ThrottlingException', message: 'Rate exceeded' });
    expect(decideFailure('weird')).toEqual({ kind: 'transient', errorClass: 'Error', message: 'weird' });
  });
});
