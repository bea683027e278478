// Turns Procore list records into record envelopes and envelopes into records-queue messages.
import { z } from 'zod';
import { ProcoreIdSchema } from '../commons/contracts/procore-id';
import { PermanentError } from '../commons/failure/permanent-error';
import { isDeletedLifecycle, RECORD_ENVELOPE_VERSION, recordMessageAttributes, type Lifecycle, type RecordEnvelope } from '../commons/contracts/record-envelope';
import type { ProcoreEnvironment } from '../commons/procore/environments';
import { MAX_MESSAGE_BYTES } from '../commons/queues/message-size';
import { messageBytes, type OutgoingMessage } from '../commons/queues/sqs-batch-sender';
import { checkInRecord, ClaimCheckUnavailableError, type ClaimCheckBucket } from './claim-check';
import { lifecycleOf } from './removals/lifecycle';
import type { SyncScope } from './sync-scope';

/** The fields the connector relies on in every Procore list record; the rest passes through as data. */
const ProcoreListRecordSchema = z.looseObject({
  id: ProcoreIdSchema,
  updated_at: z.iso.datetime({ offset: true }),
  deleted_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** A record Procore sent without what every envelope needs: reading it again gives the same record. */
export class InvalidProcoreRecordError extends PermanentError {
  override readonly name = 'InvalidProcoreRecordError';
  constructor(message: string) {
    super('InvalidProcoreRecordError', message);
  }
}

/** `lifecycle`: where the record was found says it (a recycle bin, an inactive list); otherwise the record's own fields. */
export function envelopeFor(
  record: unknown,
  context: { environment: ProcoreEnvironment['name']; scope: SyncScope; syncedAt: string; lifecycle?: Lifecycle },
): RecordEnvelope {
  const parsed = ProcoreListRecordSchema.safeParse(record);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`);
    throw new InvalidProcoreRecordError(`a ${context.scope.resource} record from Procore lacks what the envelope needs: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  const lifecycle = context.lifecycle ?? lifecycleOf(context.scope.resource, data);
  return {
    version: RECORD_ENVELOPE_VERSION,
    source: 'procore',
    environment: context.environment,
    companyId: context.scope.companyId,
    projectId: context.scope.projectId,
    resource: context.scope.resource,
    id: data.id,
    updatedAt: data.updated_at,
    lifecycle,
    deleted: isDeletedLifecycle(lifecycle),
    syncedAt: context.syncedAt,
    data,
  };
}

/** The records-queue message for an envelope as it is: body and routing attributes. */
export function envelopeMessage(envelope: RecordEnvelope): OutgoingMessage {
  return { body: JSON.stringify(envelope), attributes: recordMessageAttributes(envelope) };
}

/**
 * The message that delivers an envelope: whole when it fits one queue message (body plus
 * attributes up to MAX_MESSAGE_BYTES), otherwise by claim check (data in S3, a pointer in the
 * envelope). Nothing is truncated; the caller counts claim-checked records.
 */
export async function recordMessage(
  envelope: RecordEnvelope,
  options: { claimCheck?: ClaimCheckBucket | undefined; maxBytes?: number } = {},
): Promise<{ message: OutgoingMessage; claimChecked: boolean }> {
  const maxBytes = options.maxBytes ?? MAX_MESSAGE_BYTES;
  const whole = envelopeMessage(envelope);
  const bytes = messageBytes(whole);
  if (bytes <= maxBytes) return { message: whole, claimChecked: false };
  if (!options.claimCheck) {
    throw new ClaimCheckUnavailableError(
      `${envelope.resource} record ${envelope.id} needs ${bytes} bytes, over the queue's ${maxBytes}, and no claim-check bucket is configured (CLAIM_CHECK_BUCKET)`,
    );
  }
  return { message: envelopeMessage(await checkInRecord(envelope, options.claimCheck)), claimChecked: true };
}
