// Error normalisation: Procore's error body shapes, status classes, retry times; backoff bounds.
import { summarizeErrorBody } from '../../functions/commons/procore/error-body';
import { classify } from '../../functions/commons/failure/classify';
import { ProcoreError, procoreErrorFromResponse, retryAtFromHeaders } from '../../functions/commons/procore/errors';
import { hasNextLink } from '../../functions/commons/procore/client';
import { fullJitterDelay } from '../../functions/commons/procore/timing';

describe('summarizeErrorBody', () => {
  it.each([
    ['{"errors": "..."}', { errors: 'Project is inactive' }, 'Project is inactive'],
    [
      '{"errors": {field: [msg]}}',
      { errors: { name: ["can't be blank"], email_address: ['is invalid', 'is taken'] } },
      "name can't be blank; email_address is invalid; email_address is taken",
    ],
    ['{"error": "..."}', { error: 'Not Found' }, 'Not Found'],
    ['OAuth', { error: 'invalid_client', error_description: 'Client authentication failed' }, 'invalid_client: Client authentication failed'],
    ['{"message", "error"}', { message: 'Unprocessable', error: 'origin_id taken' }, 'Unprocessable (origin_id taken)'],
    ['v2 {"error": {code, message, details}}', { error: { code: 'invalid', message: 'Bad field', details: [{ field: 'x' }] } }, 'invalid: Bad field'],
    ['plain text', 'Procore-Company-Id header is required\n', 'Procore-Company-Id header is required'],
    ['an unknown JSON shape', { status: 'bad' }, '{"status":"bad"}'],
  ])('reads %s', (_shape, body, message) => {
    expect(summarizeErrorBody(body).message).toBe(message);
  });

  it('keeps field errors and v2 details as details, and clips long bodies', () => {
    expect(summarizeErrorBody({ errors: { name: ['x'] } }).details).toEqual({ name: ['x'] });
    expect(summarizeErrorBody({ error: { code: 'c', message: 'm', details: [1] } }).details).toEqual([1]);
    expect(summarizeErrorBody('x'.repeat(2000)).message).toHaveLength(501);
  });
});

describe('procoreErrorFromResponse', () => {
  const now = Date.parse('2026-01-15T12:00:00Z');
  const from = (status: number, headers: Record<string, string> = {}, body: unknown = { errors: 'nope' }) =>
    procoreErrorFromResponse({ method: 'GET', path: '/rest/v1.0/companies', status, body, headers, now });

  it.each([
    [400, 'ProcoreBadRequest', 'permanent'],
    [403, 'ProcoreForbidden', 'permanent'],
    [404, 'ProcoreNotFound', 'permanent'],
    [406, 'ProcoreNotAcceptable', 'permanent'],
    [408, 'ProcoreTimeout', 'transient'],
    [409, 'ProcoreConflict', 'permanent'],
    [422, 'ProcoreValidation', 'permanent'],
    [429, 'ProcoreRateLimited', 'transient'],
    [500, 'ProcoreServerError', 'transient'],
    [503, 'ProcoreServerError', 'transient'],
    [418, 'ProcoreClientError', 'permanent'],
  ])('classifies %i as %s (%s)', (status, errorClass, kind) => {
    const error = from(status, { 'x-request-id': 'req-1' });
    expect(error).toMatchObject({ errorClass, kind, status, requestId: 'req-1' });
    expect(error.message).toBe(`Procore GET /rest/v1.0/companies answered ${status}: nope`);
    expect(classify(error)).toMatchObject({ kind, errorClass, httpStatus: status, procoreRequestId: 'req-1' });
  });

  it('classifies 401 as ProcoreUnauthorized, which the failure policy takes as auth', () => {
    expect(from(401)).toMatchObject({ errorClass: 'ProcoreUnauthorized', status: 401 });
    expect(classify(from(401))).toMatchObject({ kind: 'auth', errorClass: 'ProcoreUnauthorized', httpStatus: 401 });
  });

  it('takes retryAt from Retry-After (seconds or date), else X-Rate-Limit-Reset for 429', () => {
    expect(retryAtFromHeaders(503, { 'retry-after': '3' }, now)).toBe(now + 3000);
    expect(retryAtFromHeaders(503, { 'retry-after': new Date(now + 5000).toUTCString() }, now)).toBe(now + 5000);
    expect(retryAtFromHeaders(429, { 'x-rate-limit-reset': String(now / 1000 + 7) }, now)).toBe(now + 7000);
    expect(retryAtFromHeaders(500, { 'x-rate-limit-reset': String(now / 1000 + 7) }, now)).toBeUndefined();
  });

  it('serialises without a cause chain', () => {
    const error = new ProcoreError({ message: 'm', kind: 'transient', errorClass: 'X', cause: { headers: { Authorization: 'Bearer t0k3n' } } });
    expect(JSON.stringify(error)).not.toContain('t0k3n');
  });
});

describe('classify (the failure policy: test/failure/classify.test.ts covers every class)', () => {
  it('knows network failures and self-classified errors', () => {
    expect(classify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject({ kind: 'transient', errorClass: 'NetworkError' });
    expect(classify(new Error('socket hang up'))).toMatchObject({ kind: 'transient' });
    expect(classify(Object.assign(new Error('boom'), { kind: 'permanent' }))).toMatchObject({ kind: 'permanent', reason: 'boom' });
    expect(classify('string')).toEqual({ kind: 'transient', errorClass: 'Error', reason: 'string' });
  });
});

describe('backoff and links', () => {
  it('full jitter stays within [0, min(cap, base * 2^attempt))', () => {
    expect(fullJitterDelay(0, () => 0.999, { baseMs: 100, capMs: 1000 })).toBe(99);
    expect(fullJitterDelay(3, () => 0.5, { baseMs: 100, capMs: 1000 })).toBe(400);
    expect(fullJitterDelay(10, () => 0.999, { baseMs: 100, capMs: 1000 })).toBe(999);
    expect(fullJitterDelay(10, () => 0, { baseMs: 100, capMs: 1000 })).toBe(0);
  });

  it('finds rel=next in a Link header', () => {
    expect(hasNextLink('<https://x/a?page=1>; rel="first", <https://x/a?page=3>; rel="next"')).toBe(true);
    expect(hasNextLink('<https://x/a?page=1>; rel="first", <https://x/a?page=2>; rel="prev", <https://x/a?page=2>; rel="last"')).toBe(false);
    expect(hasNextLink('<https://x/a?page=2>; rel=next')).toBe(true);
    expect(hasNextLink('')).toBe(false);
  });
});
