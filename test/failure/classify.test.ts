// The one failure policy: what kind every error the connector meets is (classify), and what push,
// the pull worker and the planner do with each kind (decisions). Pure: no AWS, no simulator.
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { DmsaSecretError, parseDmsaSecret } from '../../functions/commons/credentials/dmsa-secret';
import { classify, type Failure } from '../../functions/commons/failure/classify';
import { DECISIONS, plannerDecision, previousAttemptDied, queueDecision, redriveMaxReceiveCount } from '../../functions/commons/failure/decisions';
import { PermanentError } from '../../functions/commons/failure/permanent-error';
import { ProcoreError, procoreErrorFromResponse } from '../../functions/commons/procore/errors';
import { getResource } from '../../functions/commons/resources/registry';
import { InvalidSyncJobError } from '../../functions/pull/run-sync-job';

const now = Date.parse('2026-01-15T12:00:00Z');

function procoreAnswer(status: number, headers: Record<string, string> = {}): ProcoreError {
  return procoreErrorFromResponse({
    method: 'POST',
    path: '/rest/v1.0/vendors',
    status,
    body: { errors: 'nope' },
    headers: { 'x-request-id': 'req-1', ...headers },
    now,
  });
}

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('classify: Procore answers', () => {
  it.each([
    [400, 'ProcoreBadRequest'],
    [403, 'ProcoreForbidden'],
    [404, 'ProcoreNotFound'],
    [406, 'ProcoreNotAcceptable'],
    [409, 'ProcoreConflict'],
    [422, 'ProcoreValidation'],
    [418, 'ProcoreClientError'],
  ])('%i is permanent (%s), with status, request id and Procore message', (status, errorClass) => {
    expect(classify(procoreAnswer(status))).toEqual({
      kind: 'permanent',
      errorClass,
      reason: `Procore POST /rest/v1.0/vendors answered ${status}: nope`,
      httpStatus: status,
      procoreRequestId: 'req-1',
    });
  });

  it.each([
    [408, 'ProcoreTimeout'],
    [429, 'ProcoreRateLimited'],
    [500, 'ProcoreServerError'],
    [502, 'ProcoreServerError'],
    [503, 'ProcoreServerError'],
    [504, 'ProcoreServerError'],
  ])('%i is transient (%s) and keeps retryAt', (status, errorClass) => {
    expect(classify(procoreAnswer(status, { 'retry-after': '7' }))).toMatchObject({ kind: 'transient', errorClass, httpStatus: status, retryAt: now + 7000 });
  });

  it('takes a 401 and a refused client credential as auth, keeping their class and reason', () => {
    expect(classify(procoreAnswer(401))).toMatchObject({ kind: 'auth', errorClass: 'ProcoreUnauthorized', httpStatus: 401 });
    const refused = new ProcoreError({
      message: 'Procore rejected the DMSA client credentials from secret my/dmsa: invalid_client',
      kind: 'permanent',
      errorClass: 'ProcoreAuthError',
      status: 401,
    });
    expect(classify(refused)).toEqual({ kind: 'auth', errorClass: 'ProcoreAuthError', reason: refused.message, httpStatus: 401 });
    // The token endpoint answering 400/403 for the credentials is the same problem.
    const tokenRefused = new ProcoreError({ message: 'Procore token request answered 400', kind: 'permanent', errorClass: 'ProcoreAuthError', status: 400 });
    expect(classify(tokenRefused)).toMatchObject({ kind: 'auth', errorClass: 'ProcoreAuthError', httpStatus: 400 });
  });

  it('takes network failures and timeouts of the Procore client as transient', () => {
    const dropped = new ProcoreError({
      message: 'connection failed (ECONNRESET)',
      kind: 'transient',
      errorClass: 'ProcoreNetworkError',
      details: { code: 'ECONNRESET' },
    });
    expect(classify(dropped)).toEqual({ kind: 'transient', errorClass: 'ProcoreNetworkError', reason: dropped.message });
    const late = new ProcoreError({ message: 'no answer within 15000 ms', kind: 'transient', errorClass: 'ProcoreTimeout' });
    expect(classify(late)).toMatchObject({ kind: 'transient', errorClass: 'ProcoreTimeout' });
    // An answer the client cannot read as a list will not change on a retry.
    const garbled = new ProcoreError({ message: 'expected a JSON array of records', kind: 'permanent', errorClass: 'ProcoreInvalidResponse' });
    expect(classify(garbled)).toMatchObject({ kind: 'permanent', errorClass: 'ProcoreInvalidResponse' });
  });
});

describe('classify: everything else', () => {
  it('takes connection errors from outside the Procore client as transient NetworkError', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']) {
      expect(classify(Object.assign(new Error(`read ${code}`), { code }))).toEqual({
        kind: 'transient',
        errorClass: 'NetworkError',
        reason: `${code}: read ${code}`,
      });
    }
  });

  it('takes every DMSA secret problem as auth, naming the secret and never a value', () => {
    const invalid = thrown(() => parseDmsaSecret('my/dmsa', JSON.stringify({ client_id: 'abc', client_secret: '' })));
    expect(classify(invalid)).toEqual({ kind: 'auth', errorClass: 'DmsaSecretInvalid', reason: expect.stringMatching(/^DMSA secret my\/dmsa: client_secret/) });
    const notJson = thrown(() => parseDmsaSecret('my/dmsa', 'client_secret=hunter2'));
    expect(classify(notJson)).toMatchObject({ kind: 'auth', errorClass: 'DmsaSecretInvalid' });
    expect(JSON.stringify(classify(notJson))).not.toContain('hunter2');
    const missing = new DmsaSecretError('my/dmsa', 'cannot be read from Secrets Manager: not found', { unreadable: true });
    expect(classify(missing)).toEqual({
      kind: 'auth',
      errorClass: 'DmsaSecretUnreadable',
      reason: 'DMSA secret my/dmsa: cannot be read from Secrets Manager: not found',
    });
    const throttled = new DmsaSecretError('my/dmsa', 'cannot be read from Secrets Manager: Rate exceeded', { unreadable: true, transient: true });
    expect(classify(throttled)).toMatchObject({ kind: 'auth', errorClass: 'DmsaSecretUnreadable' });
  });

  it('knows the Powertools idempotency outcomes by their real classes', () => {
    expect(classify(new IdempotencyValidationError('mismatch'))).toEqual({
      kind: 'permanent',
      errorClass: 'IdempotencyKeyReused',
      reason: 'a different message with this id was already processed; ids must be unique per write',
    });
    expect(classify(new IdempotencyAlreadyInProgressError('busy'))).toMatchObject({ kind: 'transient', errorClass: 'AlreadyInProgress' });
  });

  it('takes inputs that can never succeed as permanent, under their own class', () => {
    expect(classify(new PermanentError('OriginIdNotFound', 'originId: none'))).toEqual({
      kind: 'permanent',
      errorClass: 'OriginIdNotFound',
      reason: 'originId: none',
    });
    expect(classify(thrown(() => getResource('widgets')))).toMatchObject({ kind: 'permanent', errorClass: 'UnknownResource' });
    expect(classify(new InvalidSyncJobError('invalid sync job: resource: unknown'))).toEqual({
      kind: 'permanent',
      errorClass: 'InvalidSyncJobError',
      reason: 'invalid sync job: resource: unknown',
    });
  });

  it('retries anything unforeseen (AWS errors, bugs) under its own name rather than dropping it', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect(classify(throttled)).toEqual({ kind: 'transient', errorClass: 'ThrottlingException', reason: 'Rate exceeded' });
    expect(classify(new TypeError("Cannot read properties of undefined (reading 'id')"))).toMatchObject({ kind: 'transient', errorClass: 'TypeError' });
    expect(classify('weird')).toEqual({ kind: 'transient', errorClass: 'Error', reason: 'weird' });
    expect(classify(undefined)).toEqual({ kind: 'transient', errorClass: 'Error', reason: 'undefined' });
  });
});

describe('decisions', () => {
  const permanent: Failure = { kind: 'permanent', errorClass: 'ProcoreForbidden', reason: '403' };
  const transient: Failure = { kind: 'transient', errorClass: 'ProcoreServerError', reason: '503' };
  const rateLimited: Failure = { kind: 'transient', errorClass: 'ProcoreRateLimited', reason: '429', retryAt: now + 60_000 };
  const auth: Failure = { kind: 'auth', errorClass: 'DmsaSecretUnreadable', reason: 'DMSA secret my/dmsa: cannot be read' };

  it.each(['push', 'worker'] as const)('%s: dead-letters permanent failures at once and retries the others', (path) => {
    expect(queueDecision(path, permanent, { attempts: 1, maxAttempts: 5 })).toEqual({ action: 'dead-letter' });
    expect(queueDecision(path, transient, { attempts: 1, maxAttempts: 5 })).toEqual({ action: 'retry' });
    expect(queueDecision(path, rateLimited, { attempts: 1, maxAttempts: 5 })).toEqual({ action: 'delay', until: now + 60_000 });
    expect(queueDecision(path, auth, { attempts: 4, maxAttempts: 5 })).toEqual({ action: 'retry' });
  });

  it.each(['push', 'worker'] as const)('%s: dead-letters a retried failure itself on the last receive, so it keeps its reason', (path) => {
    expect(queueDecision(path, auth, { attempts: 5, maxAttempts: 5 })).toEqual({ action: 'dead-letter' });
    expect(queueDecision(path, rateLimited, { attempts: 5, maxAttempts: 5 })).toEqual({ action: 'dead-letter' });
    expect(queueDecision(path, transient, { attempts: 6, maxAttempts: 5 })).toEqual({ action: 'dead-letter' });
    // Without its attempt budget the connector cannot know the last receive: SQS's redrive decides.
    expect(queueDecision(path, auth, { attempts: 50 })).toEqual({ action: 'retry' });
  });

  it('a receive after the last attempt means that attempt died: dead-letter it at once with that reason', () => {
    // The queue's redrive leaves one spare receive for it.
    expect(redriveMaxReceiveCount(5)).toBe(6);
    expect(previousAttemptDied({ attempts: 5, maxAttempts: 5 })).toBeUndefined();
    expect(previousAttemptDied({ attempts: 1, maxAttempts: 5 })).toBeUndefined();
    expect(previousAttemptDied({ attempts: 60 })).toBeUndefined();
    expect(previousAttemptDied({ attempts: 6, maxAttempts: 5 })).toEqual({
      kind: 'permanent',
      errorClass: 'PreviousAttemptDied',
      reason: expect.stringMatching(
        /^the previous attempt ended without an answer: crash, timeout or out of memory.*received 6 times, the connector makes 5 attempts$/,
      ),
    });
  });

  it('planner: skips a company that refuses for good, fails the run for what may pass, and at once for auth', () => {
    expect(plannerDecision(permanent)).toBe('skip-company');
    expect(plannerDecision(transient)).toBe('skip-company-and-fail-run');
    expect(plannerDecision(auth)).toBe('fail-run');
  });

  it('writes every path and kind down in one table', () => {
    expect(DECISIONS).toEqual({
      push: { permanent: 'dead-letter', transient: 'retry', auth: 'retry' },
      worker: { permanent: 'dead-letter', transient: 'retry', auth: 'retry' },
      webhook: { permanent: 'dead-letter', transient: 'retry', auth: 'retry' },
      planner: { permanent: 'skip-company', transient: 'skip-company-and-fail-run', auth: 'fail-run' },
    });
  });
});
