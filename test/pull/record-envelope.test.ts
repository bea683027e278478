// The record envelope contract: the zod schema, the committed JSON Schema, and how records become
// messages (routing attributes, claim check of records too large for one SQS message).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  recordEnvelopeJsonSchema,
  RecordEnvelopeSchema,
  type QuarantinedRecordEnvelope,
  type RecordEnvelope,
} from '../../functions/commons/contracts/record-envelope';
import { ClaimCheckUnavailableError, type ClaimCheckBucket } from '../../functions/pull/claim-check';
import { parseExactJson } from '../../functions/commons/json/exact-json';
import { envelopeFor, envelopeMessage, recordMessage } from '../../functions/pull/record-envelopes';
import { MAX_MESSAGE_BYTES } from '../../functions/commons/queues/message-size';
import { messageBytes } from '../../functions/commons/queues/sqs-batch-sender';

const SCHEMA_FILE = path.join(__dirname, '../../docs/record-envelope.schema.json');
const scope = { companyId: 4294968296, projectId: 4294968297, resource: 'rfis' as const };
const context = { environment: 'production' as const, scope, syncedAt: '2026-01-15T12:00:05.123Z' };
const rfi = { id: 4294969000, subject: 'Anchor bolts', updated_at: '2026-01-15T11:59:00Z', deleted_at: null };

describe('record envelope v3', () => {
  it('matches the committed JSON Schema (UPDATE_SCHEMAS=1 rewrites docs/record-envelope.schema.json)', () => {
    const generated = `${JSON.stringify(recordEnvelopeJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('wraps a Procore record with its scope, keeping the record as returned', () => {
    const envelope = envelopeFor(rfi, context);
    expect(envelope).toEqual({
      version: 3,
      source: 'procore',
      environment: 'production',
      companyId: scope.companyId,
      projectId: scope.projectId,
      resource: 'rfis',
      id: rfi.id,
      idText: String(rfi.id),
      updatedAt: rfi.updated_at,
      lifecycle: 'active',
      deleted: false,
      syncedAt: context.syncedAt,
      data: rfi,
    });
    expect(RecordEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(envelopeFor({ ...rfi, deleted_at: '2026-01-15T11:59:30Z' }, context)).toMatchObject({ lifecycle: 'deleted', deleted: true });
  });

  it("says how a record left Procore's lists: where it was found, or its own active flag", () => {
    expect(envelopeFor(rfi, { ...context, lifecycle: 'recycled' })).toMatchObject({ lifecycle: 'recycled', deleted: true });
    const company = (resource: 'projects' | 'vendors' | 'company_users') => ({ ...context, scope: { companyId: scope.companyId, projectId: null, resource } });
    const closed = { id: 7, name: 'Depot', active: false, updated_at: '2026-01-15T11:00:00Z' };
    expect(envelopeFor(closed, company('projects'))).toMatchObject({ lifecycle: 'inactive', deleted: false });
    expect(envelopeFor({ ...closed, active: true }, company('projects')).lifecycle).toBe('active');
    expect(envelopeFor({ id: 8, is_active: false, updated_at: '2026-01-15T11:00:00Z' }, company('vendors')).lifecycle).toBe('inactive');
    expect(envelopeFor({ id: 9, is_active: false, updated_at: '2026-01-15T11:00:00Z' }, company('company_users')).lifecycle).toBe('inactive');
    // An RFI has no active flag: a field of that name means nothing.
    expect(envelopeFor({ ...rfi, active: false }, context).lifecycle).toBe('active');
  });

  it('rejects an envelope whose deleted flag disagrees with its lifecycle', () => {
    const envelope = envelopeFor(rfi, context);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, deleted: true }).success).toBe(false);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, lifecycle: 'recycled' }).success).toBe(false);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, lifecycle: 'inactive' }).success).toBe(true);
  });

  it('quarantines a record it cannot read, saying what was wrong and keeping what Procore sent', () => {
    const quarantined = (record: unknown) => {
      const envelope = envelopeFor(record, context) as QuarantinedRecordEnvelope;
      expect(RecordEnvelopeSchema.safeParse(envelope).success).toBe(true);
      expect(envelopeMessage(envelope).attributes).toMatchObject({ lifecycle: { DataType: 'String', StringValue: 'quarantined' } });
      return envelope;
    };
    expect(quarantined({ subject: 'no id', updated_at: rfi.updated_at })).toMatchObject({
      lifecycle: 'quarantined',
      deleted: false,
      quarantine: { reason: 'id: missing' },
      id: null,
      idText: null,
      updatedAt: rfi.updated_at,
      data: { subject: 'no id', updated_at: rfi.updated_at },
    });
    expect(quarantined({ id: 1, updated_at: 'yesterday' })).toMatchObject({
      id: 1,
      idText: '1',
      updatedAt: null,
      quarantine: { reason: 'updated_at: not an ISO 8601 time (got "yesterday")' },
    });
    expect(quarantined({ id: 'RFI-7', updated_at: rfi.updated_at }).quarantine).toEqual({ reason: 'id: not a positive integer (got "RFI-7")' });
    expect(quarantined({ id: 2.5 }).quarantine).toEqual({ reason: 'id: not a positive integer (got 2.5); updated_at: missing' });
    expect(quarantined({ id: -4, updated_at: rfi.updated_at }).quarantine?.reason).toMatch(/^id: not a positive integer/);
    expect(quarantined({ ...rfi, deleted_at: 'soon' }).quarantine?.reason).toMatch(/^deleted_at: /);
    expect(quarantined('just text')).toMatchObject({ quarantine: { reason: 'not a JSON object (got "just text")' }, data: 'just text', id: null });
    expect(quarantined(null).quarantine?.reason).toBe('not a JSON object (got null)');
    expect(quarantined([rfi]).quarantine?.reason).toBe('not a JSON object (got an array)');
  });

  it('keeps an id beyond 2^53 to the digit: idText, and the body writes the exact digits in id and data', () => {
    const big = '9007199254740993123';
    const record = parseExactJson(`{"id":${big},"subject":"Big","updated_at":"2026-01-15T11:59:00Z","vendor_id":18446744073709551615}`);
    const envelope = envelopeFor(record, context);
    expect(envelope).toMatchObject({ lifecycle: 'active', idText: big });
    const { body } = envelopeMessage(envelope);
    expect(body).toContain(`"id":${big},"idText":"${big}"`);
    expect(body).toContain(`"data":{"id":${big},"subject":"Big","updated_at":"2026-01-15T11:59:00Z","vendor_id":18446744073709551615}`);
    expect(RecordEnvelopeSchema.safeParse(JSON.parse(body)).success).toBe(true);
    // Small ids stay plain numbers.
    expect(envelopeMessage(envelopeFor(rfi, context)).body).toContain(`"id":${rfi.id},"idText":"${rfi.id}"`);
  });

  it('writes every body as the envelope with its id as the exact digits of idText, byte for byte', () => {
    // The contract's body: the envelope, `id` written as idText's digits (v3). Ids below and beyond
    // 2^53, quarantined records with and without an id, records with other long integers inside.
    const contractBody = (envelope: RecordEnvelope) => JSON.stringify(envelope.idText === null ? envelope : { ...envelope, id: JSON.rawJSON(envelope.idText) });
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 64n }), fc.constant(null), fc.constant(-5n)),
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.constantFrom('2026-01-15T11:59:00Z', 'yesterday'),
        (id, other, updatedAt) => {
          const text = `{${id === null ? '' : `"id":${id},`}"subject":"S","updated_at":"${updatedAt}","vendor_id":${other}}`;
          const envelope = envelopeFor(parseExactJson(text), context);
          expect(envelopeMessage(envelope).body).toBe(contractBody(envelope));
        },
      ),
    );
  });

  it('carries routing attributes: resource, company, project (absent for company-scoped resources), version, lifecycle', () => {
    const message = envelopeMessage(envelopeFor(rfi, context));
    expect(message.attributes).toEqual({
      resource: { DataType: 'String', StringValue: 'rfis' },
      companyId: { DataType: 'Number', StringValue: String(scope.companyId) },
      projectId: { DataType: 'Number', StringValue: String(scope.projectId) },
      envelopeVersion: { DataType: 'Number', StringValue: '3' },
      lifecycle: { DataType: 'String', StringValue: 'active' },
    });
    const vendor = envelopeFor(
      { id: 5, name: 'Acme', updated_at: '2026-01-15T11:59:00Z' },
      { ...context, scope: { companyId: scope.companyId, projectId: null, resource: 'vendors' } },
    );
    expect(envelopeMessage(vendor).attributes).not.toHaveProperty('projectId');
  });

  it('sends a record whole up to MAX_MESSAGE_BYTES (1 MiB) with its envelope and attributes', async () => {
    const bucket = recordingBucket();
    const big = { ...rfi, question: { body: 'x'.repeat(1000 * 1024) } };
    const { message, claimChecked } = await recordMessage(envelopeFor(big, context), { claimCheck: bucket });
    expect(claimChecked).toBe(false);
    expect(messageBytes(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect((JSON.parse(message.body) as RecordEnvelope).data).toEqual(big);
    expect(bucket.puts).toHaveLength(0);
  });

  it('sends a larger record by claim check: data in S3, the envelope names bucket, key, size and SHA-256', async () => {
    const bucket = recordingBucket();
    const huge = { ...rfi, question: { body: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    const { message, claimChecked } = await recordMessage(envelopeFor(huge, context), { claimCheck: bucket });
    expect(claimChecked).toBe(true);
    const body = JSON.parse(message.body) as RecordEnvelope;
    const stored = bucket.puts[0]!;
    expect(body).toMatchObject({ id: rfi.id, updatedAt: rfi.updated_at, data: null });
    expect(body.claimCheck).toEqual({
      bucket: 'claims',
      key: stored.Key,
      bytes: stored.Body.byteLength,
      sha256: createHash('sha256').update(stored.Body).digest('hex'),
    });
    expect(stored.Key).toBe(`records/production/rfis/${scope.companyId}/${scope.projectId}/${rfi.id}/${body.claimCheck!.sha256}.json`);
    expect(JSON.parse(stored.Body.toString('utf8'))).toEqual(huge);
    expect(RecordEnvelopeSchema.safeParse(body).success).toBe(true);
    expect(messageBytes(message)).toBeLessThan(2048);
  });

  it('refuses to truncate: a record over the limit with no claim-check bucket fails, naming the variable', async () => {
    const huge = { ...rfi, question: { body: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    await expect(recordMessage(envelopeFor(huge, context))).rejects.toThrow(ClaimCheckUnavailableError);
    await expect(recordMessage(envelopeFor(huge, context))).rejects.toThrow(/CLAIM_CHECK_BUCKET/);
  });

  it('rejects envelopes whose data and claim check disagree', () => {
    const envelope = envelopeFor(rfi, context);
    const claimCheck = { bucket: 'claims', key: 'k', bytes: 10, sha256: 'a'.repeat(64) };
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, data: null }).success).toBe(false);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, claimCheck }).success).toBe(false);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, data: null, claimCheck }).success).toBe(true);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, data: null, claimCheck: { ...claimCheck, sha256: 'nope' } }).success).toBe(false);
  });
});

/** A claim-check bucket that keeps what it was given. */
function recordingBucket(): ClaimCheckBucket & { puts: { Key: string; Body: Buffer }[] } {
  const puts: { Key: string; Body: Buffer }[] = [];
  return {
    bucket: 'claims',
    puts,
    s3: {
      put: async ({ key, body }) => {
        puts.push({ Key: key, Body: body });
      },
    },
  };
}
