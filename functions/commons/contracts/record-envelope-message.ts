// The record envelope as a records-queue message: its body and attributes, and what the schema
// (record-envelope.ts) shares with them. Apart from the schema so the functions that write envelopes
// (the pull worker, the webhook events consumer) do not build it at every cold start: they never
// parse one (about 90 schema objects, 3–4 ms of a load).
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Lifecycle, RecordEnvelope } from './record-envelope';

export const RECORD_ENVELOPE_VERSION = 3;

/** recycled and deleted records are gone from Procore's lists for good (unless restored). */
export function isDeletedLifecycle(lifecycle: Lifecycle | 'quarantined'): boolean {
  return lifecycle === 'recycled' || lifecycle === 'deleted';
}

/**
 * The envelope as its message body: JSON, with the id written as its exact digits (idText) so an id
 * beyond 2^53 is not rounded; integers beyond 2^53 inside `data` keep the digits they were read with.
 */
export function envelopeBody(envelope: RecordEnvelope): string {
  // A safe id already writes its exact digits: only an id beyond 2^53 needs a copy with the raw digits.
  const { idText } = envelope;
  const exact = idText === null || (Number.isSafeInteger(envelope.id) && String(envelope.id) === idText);
  return JSON.stringify(exact ? envelope : { ...envelope, id: JSON.rawJSON(idText) });
}

/** Message attribute names on records-queue messages, for subscription filters and routing. */
const RECORD_ATTRIBUTE_NAMES = {
  resource: 'resource',
  companyId: 'companyId',
  projectId: 'projectId',
  envelopeVersion: 'envelopeVersion',
  lifecycle: 'lifecycle',
} as const;

export function recordMessageAttributes(envelope: RecordEnvelope): Record<string, MessageAttributeValue> {
  return {
    [RECORD_ATTRIBUTE_NAMES.resource]: { DataType: 'String', StringValue: envelope.resource },
    [RECORD_ATTRIBUTE_NAMES.companyId]: { DataType: 'Number', StringValue: String(envelope.companyId) },
    ...(envelope.projectId !== null ? { [RECORD_ATTRIBUTE_NAMES.projectId]: { DataType: 'Number', StringValue: String(envelope.projectId) } } : {}),
    [RECORD_ATTRIBUTE_NAMES.envelopeVersion]: { DataType: 'Number', StringValue: String(envelope.version) },
    [RECORD_ATTRIBUTE_NAMES.lifecycle]: { DataType: 'String', StringValue: envelope.lifecycle },
  };
}
