// Claim check for records too large for one queue message (over MAX_MESSAGE_BYTES with envelope and
// attributes): the record's data goes to the stack's claim-check bucket as one S3 object, and the
// envelope on the records queue carries `claimCheck: { bucket, key, bytes, sha256 }` with data null.
// Keys are content-addressed (the SHA-256 is in the key), so a page delivered twice writes the same
// object twice and never a second one. The bucket expires objects by lifecycle (the stack's rule).
// The object is written and read by signed S3 requests (functions/commons/aws/s3-objects.ts), not the
// S3 SDK, which would weigh on every worker and events-consumer cold start for the rare large record.
import { createHash } from 'node:crypto';
import type { S3Objects } from '../commons/aws/s3-objects';
import type { ClaimCheck } from '../commons/contracts/claim-check';
import type { RecordEnvelope } from '../commons/contracts/record-envelope';

export interface ClaimCheckBucket {
  s3: Pick<S3Objects, 'put'>;
  bucket: string;
}

/** A record too large for one message while no claim-check bucket is configured (CLAIM_CHECK_BUCKET). */
export class ClaimCheckUnavailableError extends Error {
  override readonly name = 'ClaimCheckUnavailableError';
}

function claimCheckKey(envelope: RecordEnvelope, sha256: string): string {
  const where = envelope.projectId === null ? 'company' : String(envelope.projectId);
  return `records/${envelope.environment}/${envelope.resource}/${envelope.companyId}/${where}/${envelope.idText ?? 'quarantined'}/${sha256}.json`;
}

/** Stores the envelope's data in the bucket and returns the envelope that points at it instead. */
export async function checkInRecord(envelope: RecordEnvelope, store: ClaimCheckBucket): Promise<RecordEnvelope> {
  const body = Buffer.from(JSON.stringify(envelope.data), 'utf8');
  const sha256 = createHash('sha256').update(body).digest('hex');
  const claimCheck: ClaimCheck = { bucket: store.bucket, key: claimCheckKey(envelope, sha256), bytes: body.byteLength, sha256 };
  // Sent with its SHA-256 as checksum (x-amz-checksum-sha256): S3 refuses a body that does not match it.
  await store.s3.put({ bucket: claimCheck.bucket, key: claimCheck.key, body, contentType: 'application/json', sha256 });
  return { ...envelope, data: null, claimCheck };
}

/**
 * For consumers: the record a claim-checked envelope points at, checked against its size and
 * SHA-256. Needs s3:GetObject on the claim-check bucket (the stack's consumer grant).
 */
export async function fetchClaimCheckedRecord(s3: Pick<S3Objects, 'get'>, claimCheck: ClaimCheck): Promise<Record<string, unknown>> {
  const bytes = await s3.get({ bucket: claimCheck.bucket, key: claimCheck.key });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.byteLength !== claimCheck.bytes || sha256 !== claimCheck.sha256) {
    throw new Error(
      `claim check s3://${claimCheck.bucket}/${claimCheck.key}: got ${bytes.byteLength} bytes with SHA-256 ${sha256}, the envelope says ${claimCheck.bytes} bytes with ${claimCheck.sha256}`,
    );
  }
  return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
}
