// Record envelope, version 3: what the pull worker puts on the records queue, one Procore record
// per message. Downstream consumers code against this; docs/record-envelope.schema.json is the
// same contract as JSON Schema (generated from this file, a test keeps the two equal).
// v2 (from v1): `lifecycle` says whether the record is live or how it left Procore's default list
// (recycled, deleted, deactivated, project closed); `deleted` stays, true for recycled and deleted.
// v3 (from v2): `idText` carries the id's exact digits (Procore ids are 64-bit; past 2^53 a JSON
// number loses digits in JavaScript and in many parsers), the body writes ids beyond 2^53 as their
// exact digits, and a record the connector cannot read arrives as `lifecycle: "quarantined"` with
// the reason instead of stopping its scope.
import * as z from '../validation/zod';
import { ProcoreIdSchema } from './procore-id';
import { ResourceNameSchema } from '../resources/names';
import { ClaimCheckSchema } from './claim-check';
import { isDeletedLifecycle, RECORD_ENVELOPE_VERSION } from './record-envelope-message';

const Timestamp = z.iso.datetime({ offset: true });

/**
 * Where the record stands in Procore. `active`: a live record from the resource's list. `inactive`:
 * deactivated (vendors, company users, from their inactive lists) or a closed project (status
 * Inactive); still in Procore, and a reactivation comes back as `active`. `recycled`: in its tool's
 * recycle bin (RFIs, submittals, observations); a restore comes back as `active`. `deleted`: deleted
 * in Procore (deleted_at set, e.g. work order contracts).
 */
const LIFECYCLES = ['active', 'inactive', 'recycled', 'deleted'] as const;
export const LifecycleSchema = z.enum(LIFECYCLES);
export type Lifecycle = z.infer<typeof LifecycleSchema>;

/** A Procore record id as the envelope carries it: a JSON integer, written with Procore's exact digits. */
const RecordIdSchema = z.number().check(
  z.positive(),
  // Not z.int(): zod's int stops at 2^53, and a parsed id beyond it is an integer rounded, not an error.
  z.refine(Number.isInteger, 'must be an integer'),
  z.meta({
    type: 'integer',
    description:
      'The Procore id of the record, a JSON integer written with the exact digits Procore sent. Ids can pass 2^53 (Procore ids are 64-bit), ' +
      'where parsers that read JSON numbers as doubles (JavaScript) round them: use idText for keys.',
  }),
);

/** The id's exact decimal digits. */
const IdTextSchema = z
  .string()
  .check(z.regex(/^[1-9][0-9]*$/), z.describe('The Procore id as its exact decimal digits (the same value as id, never rounded): key records on it.'));

const envelopeBase = {
  version: z.literal(RECORD_ENVELOPE_VERSION).check(z.describe('Envelope format version; a breaking change bumps it.')),
  source: z.literal('procore'),
  environment: z
    .enum(['production', 'sandbox', 'monthly-sandbox', 'custom'])
    .check(z.describe('The Procore environment the record came from (custom: explicit base URLs, e.g. the local simulator).')),
  companyId: ProcoreIdSchema,
  projectId: z.nullable(ProcoreIdSchema).check(z.describe('The project of a project-scoped resource; null for company-scoped ones.')),
  resource: ResourceNameSchema.check(z.describe("The connector's resource name (its registry entry).")),
  syncedAt: Timestamp.check(z.describe('When the connector delivered the envelope.')),
  // v2 (from v1): a record too large for one queue message travels by claim check (the S3 object
  // holding its data) instead of `truncated: true` with no data; `truncated` is gone.
  claimCheck: z.optional(ClaimCheckSchema),
};

const ProcoreRecordEnvelopeSchema = z
  .object({
    ...envelopeBase,
    id: RecordIdSchema,
    idText: IdTextSchema,
    updatedAt: Timestamp.check(z.describe("The record's updated_at as Procore returned it.")),
    lifecycle: LifecycleSchema.check(
      z.describe(
        'active: a live record. inactive: deactivated (vendors, company users) or a closed project; still in Procore. ' +
          "recycled: in its tool's recycle bin (RFIs, submittals, observations). deleted: deleted in Procore (deleted_at set). " +
          'A restored or reactivated record comes back as active. Deduplicate on (resource, idText, updatedAt, lifecycle).',
      ),
    ),
    deleted: z.boolean().check(z.describe("True exactly when lifecycle is recycled or deleted (as in v1: the record is gone from Procore's lists).")),
    data: z
      .nullable(z.record(z.string(), z.unknown()))
      .check(z.describe('The Procore record exactly as the list endpoint returned it; null only when claimCheck says where it is.')),
  })
  .check(
    z.refine((envelope) => (envelope.data === null) === (envelope.claimCheck !== undefined), {
      message: 'data is null exactly when claimCheck is present',
      path: ['data'],
    }),
    z.refine((envelope) => envelope.deleted === isDeletedLifecycle(envelope.lifecycle), {
      message: 'deleted is true exactly when lifecycle is recycled or deleted',
      path: ['deleted'],
    }),
    z.meta({ title: 'A Procore record', description: 'A record as Procore listed it, with where it stands (lifecycle).' }),
  );

const QuarantinedRecordEnvelopeSchema = z
  .object({
    ...envelopeBase,
    lifecycle: z
      .literal('quarantined')
      .check(z.describe('The connector could not read this record (quarantine.reason says why); it is delivered as Procore sent it and its scope went on.')),
    quarantine: z.strictObject({
      reason: z.string().check(z.minLength(1), z.describe('What was wrong with the record, and where (e.g. "updated_at: missing").')),
    }),
    id: z.nullable(RecordIdSchema).check(z.describe('The id when it could be read, else null.')),
    idText: z.nullable(IdTextSchema),
    updatedAt: z.nullable(Timestamp).check(z.describe('updated_at when it could be read, else null.')),
    deleted: z.literal(false),
    data: z.unknown().check(z.describe('What Procore sent for the record, exactly (any JSON value); null also when claimCheck says where it is.')),
  })
  .check(
    z.refine((envelope) => envelope.claimCheck === undefined || envelope.data === null, {
      message: 'data is null when claimCheck is present',
      path: ['data'],
    }),
    z.meta({ title: 'A quarantined record', description: 'A record Procore sent that the connector could not read, with the reason.' }),
  );

export const RecordEnvelopeSchema = z.union([ProcoreRecordEnvelopeSchema, QuarantinedRecordEnvelopeSchema]).check(
  z.meta({
    title: 'Procore record envelope v3',
    description: 'One Procore record delivered by the pull worker to the records queue.',
  }),
);

export type RecordEnvelope = z.infer<typeof RecordEnvelopeSchema>;
export type ProcoreRecordEnvelope = z.infer<typeof ProcoreRecordEnvelopeSchema>;
export type QuarantinedRecordEnvelope = z.infer<typeof QuarantinedRecordEnvelopeSchema>;

/** A record the connector could read (any lifecycle but quarantined). */
export function isProcoreRecord(envelope: RecordEnvelope): envelope is ProcoreRecordEnvelope {
  return envelope.lifecycle !== 'quarantined';
}

/** The JSON Schema committed as docs/record-envelope.schema.json. */
export function recordEnvelopeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(RecordEnvelopeSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
