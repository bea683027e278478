// The record envelope contract: the zod schema, the committed JSON Schema, and how records become
// messages (routing attributes, truncation of records too large for one SQS message).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  recordEnvelopeJsonSchema,
  RecordEnvelopeSchema,
  type RecordEnvelope,
} from '../../functions/commons/contracts/record-envelope';
import { envelopeFor, envelopeMessage, InvalidProcoreRecordError } from '../../functions/pull/record-envelopes';
import { messageBytes, SQS_MAX_PAYLOAD_BYTES } from '../../functions/commons/queues/sqs-batch-sender';

const SCHEMA_FILE = path.join(__dirname, '../../docs/record-envelope.schema.json');
const scope = { companyId: 4294968296, projectId: 4294968297, resource: 'rfis' as const };
const context = { environment: 'production' as const, scope, syncedAt: '2026-01-15T12:00:05.123Z' };
const rfi = { id: 4294969000, subject: 'Anchor bolts', updated_at: '2026-01-15T11:59:00Z', deleted_at: null };

describe('record envelope v2', () => {
  it('matches the committed JSON Schema (UPDATE_SCHEMAS=1 rewrites docs/record-envelope.schema.json)', () => {
    const generated = `${JSON.stringify(recordEnvelopeJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('wraps a Procore record with its scope, keeping the record as returned', () => {
    const envelope = envelopeFor(rfi, context);
    expect(envelope).toEqual({
      version: 2,
      source: 'procore',
      environment: 'production',
      companyId: scope.companyId,
      projectId: scope.projectId,
      resource: 'rfis',
      id: rfi.id,
      updatedAt: rfi.updated_at,
      lifecycle: 'active',
      deleted: false,
      syncedAt: context.syncedAt,
      data: rfi,
    });
    expect(RecordEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(envelopeFor({ ...rfi, deleted_at: '2026-01-15T11:59:30Z' }, context)).toMatchObject({ lifecycle: 'deleted', deleted: true });
  });

  it('says how a record left Procore\'s lists: where it was found, or its own active flag', () => {
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

  it('refuses a record without an id or updated_at, saying what is missing', () => {
    expect(() => envelopeFor({ subject: 'no id' }, context)).toThrow(InvalidProcoreRecordError);
    expect(() => envelopeFor({ id: 1, updated_at: 'yesterday' }, context)).toThrow(/rfis record .*updated_at/);
  });

  it('carries routing attributes: resource, company, project (absent for company-scoped resources), version, lifecycle', () => {
    const { message } = envelopeMessage(envelopeFor(rfi, context));
    expect(message.attributes).toEqual({
      resource: { DataType: 'String', StringValue: 'rfis' },
      companyId: { DataType: 'Number', StringValue: String(scope.companyId) },
      projectId: { DataType: 'Number', StringValue: String(scope.projectId) },
      envelopeVersion: { DataType: 'Number', StringValue: '2' },
      lifecycle: { DataType: 'String', StringValue: 'active' },
    });
    const vendor = envelopeFor(
      { id: 5, name: 'Acme', updated_at: '2026-01-15T11:59:00Z' },
      { ...context, scope: { companyId: scope.companyId, projectId: null, resource: 'vendors' } },
    );
    expect(envelopeMessage(vendor).message.attributes).not.toHaveProperty('projectId');
  });

  it('sends a record too large for one SQS message as a truncated envelope (id and updatedAt, no data)', () => {
    const huge = { ...rfi, question: { body: 'x'.repeat(SQS_MAX_PAYLOAD_BYTES) } };
    const { message, truncated } = envelopeMessage(envelopeFor(huge, context));
    expect(truncated).toBe(true);
    expect(messageBytes(message)).toBeLessThanOrEqual(SQS_MAX_PAYLOAD_BYTES);
    const body = JSON.parse(message.body) as RecordEnvelope;
    expect(body).toMatchObject({ id: rfi.id, updatedAt: rfi.updated_at, truncated: true, data: null });
    expect(RecordEnvelopeSchema.safeParse(body).success).toBe(true);
    expect(envelopeMessage(envelopeFor(rfi, context)).truncated).toBe(false);
  });

  it('rejects envelopes whose data and truncated flag disagree', () => {
    const envelope = envelopeFor(rfi, context);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, data: null }).success).toBe(false);
    expect(RecordEnvelopeSchema.safeParse({ ...envelope, truncated: true }).success).toBe(false);
  });
});
