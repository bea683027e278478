// The last resort for a dead letter whose body is within a few hundred bytes of SQS's 1 MiB: the
// DLQ message's body becomes a JSON wrapper holding the original gzipped and base64-encoded, with
// its size and SHA-256 and the producer's message attributes, marked by the `connector.bodyWrapped`
// attribute. Push bodies are JSON and compress well; a body that still does not fit keeps only its
// size and hash (the one case where the body itself cannot be kept). A redrive unwraps it
// (unwrapBody), so the message sent back is the one the producer sent, byte for byte.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import * as z from '../validation/zod';

/** Values of the `connector.bodyWrapped` attribute. */
export const BODY_WRAPPED = { gzip: 'gzip-base64', dropped: 'dropped: too large even gzipped' } as const;

// Built on the first unwrap (a redrive, from the CLI), not at every cold start: the handlers only wrap.
function wrapperSchema() {
  const attribute = z.union([
    z.strictObject({ DataType: z.string().check(z.minLength(1)), StringValue: z.string() }),
    z.strictObject({ DataType: z.string().check(z.minLength(1)), BinaryValueBase64: z.string() }),
  ]);
  return z.object({
    connectorDeadLetter: z.literal(1),
    bodyBytes: z.number().check(z.int(), z.nonnegative()),
    bodySha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    bodyGzipBase64: z.nullable(z.string()),
    attributes: z.optional(z.record(z.string(), attribute)),
  });
}
let WrapperSchema: ReturnType<typeof wrapperSchema> | undefined;

const sha256 = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

/** The wrapper body for `body` and the producer's `attributes`; `keepBody: false` keeps only size and hash. */
export function wrapBody(body: string, attributes: Record<string, MessageAttributeValue>, keepBody = true): string {
  const carried = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      value.BinaryValue === undefined
        ? { DataType: value.DataType, StringValue: value.StringValue ?? '' }
        : { DataType: value.DataType, BinaryValueBase64: Buffer.from(value.BinaryValue).toString('base64') },
    ]),
  );
  return JSON.stringify({
    connectorDeadLetter: 1,
    bodyBytes: Buffer.byteLength(body, 'utf8'),
    bodySha256: sha256(body),
    bodyGzipBase64: keepBody ? gzipSync(Buffer.from(body, 'utf8')).toString('base64') : null,
    ...(Object.keys(carried).length > 0 ? { attributes: carried } : {}),
  });
}

export type Unwrapped = { ok: true; body: string; attributes: Record<string, MessageAttributeValue> } | { ok: false; reason: string };

/** The original body and producer attributes of a wrapped dead letter, checked against its size and SHA-256. */
export function unwrapBody(wrapper: string): Unwrapped {
  let parsed: z.infer<ReturnType<typeof wrapperSchema>>;
  try {
    WrapperSchema ??= wrapperSchema();
    parsed = WrapperSchema.parse(JSON.parse(wrapper));
  } catch (error) {
    return { ok: false, reason: `the wrapped body is not a connector wrapper: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}` };
  }
  if (parsed.bodyGzipBase64 === null) {
    return { ok: false, reason: `the body (${parsed.bodyBytes} bytes, SHA-256 ${parsed.bodySha256}) was too large to keep even gzipped` };
  }
  let body: string;
  try {
    body = gunzipSync(Buffer.from(parsed.bodyGzipBase64, 'base64')).toString('utf8');
  } catch (error) {
    return { ok: false, reason: `the wrapped body does not gunzip: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (Buffer.byteLength(body, 'utf8') !== parsed.bodyBytes || sha256(body) !== parsed.bodySha256) {
    return { ok: false, reason: 'the unwrapped body does not match the size and SHA-256 its wrapper recorded' };
  }
  const attributes = Object.fromEntries(
    Object.entries(parsed.attributes ?? {}).map(([name, value]): [string, MessageAttributeValue] => [
      name,
      'StringValue' in value ? value : { DataType: value.DataType, BinaryValue: Buffer.from(value.BinaryValueBase64, 'base64') },
    ]),
  );
  return { ok: true, body, attributes };
}
