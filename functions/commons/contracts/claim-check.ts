// The claim check of the record envelope (record-envelope.ts): where the data of a record too large
// for one queue message is, an S3 object of the stack's claim-check bucket (functions/pull/claim-check.ts
// writes it and has the consumer's reader).
import * as z from '../validation/zod';

/** Where the data of a record too large for one queue message is: an S3 object of the stack's claim-check bucket. */
export const ClaimCheckSchema = z
  .strictObject({
    bucket: z.string().check(z.minLength(3), z.maxLength(63)),
    key: z.string().check(z.minLength(1), z.maxLength(1024)),
    bytes: z.number().check(z.int(), z.positive(), z.describe('Size of the S3 object in bytes.')),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/), z.describe('SHA-256 of the S3 object (lowercase hex): check it before trusting the data.')),
  })
  .check(
    z.describe(
      'The record was too large for one queue message: the S3 object holds the Procore record (what data would be) as UTF-8 JSON. Objects expire after the bucket lifecycle period.',
    ),
  );

export type ClaimCheck = z.infer<typeof ClaimCheckSchema>;
