// Turns Procore list records into record envelopes and envelopes into records-queue messages.
import { z } from 'zod';
import { isDeletedLifecycle, RECORD_ENVELOPE_VERSION, recordMessageAttributes, type Lifecycle, type RecordEnvelope } from '../commons/contracts/record-envelope';
import type { ProcoreEnvironment } from '../commons/procore/environments';
import { messageBytes, SQS_MAX_PAYLOAD_BYTES, type OutgoingMessage } from '../commons/queues/sqs-batch-sender';
import { lifecycleOf } from './removals/lifecycle';
import type { SyncScope } from './sync-scope';

/** The fields the connector relies on in every Procore list record; the rest passes through as data. */
const ProcoreListRecordSchema = z.looseObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  updated_at: z.iso.datetime({ offset: true }),
  deleted_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

export class InvalidProcoreRecordError extends Error {
  override readonly name = 'InvalidProcoreRecordError';
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

/**
 * The records-queue message for an envelope. A record too large for one SQS message (there is no
 * payload offload here) goes out as a truncated envelope: same id, updatedAt and routing, data null,
 * so downstream can fetch it from Procore by id. Nothing is dropped silently; the caller counts these.
 */
export function envelopeMessage(
  envelope: RecordEnvelope,
  maxBytes: number = SQS_MAX_PAYLOAD_BYTES,
): { message: OutgoingMessage; truncated: boolean } {
  const attributes = recordMessageAttributes(envelope);
  const full: OutgoingMessage = { body: JSON.stringify(envelope), attributes };
  if (messageBytes(full) <= maxBytes) return { message: full, truncated: false };
  const truncated: RecordEnvelope = { ...envelope, truncated: true, data: null };
  return { message: { body: JSON.stringify(truncated), attributes }, truncated: true };
}
