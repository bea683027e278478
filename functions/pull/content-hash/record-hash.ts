// A record's content hash: SHA-256 of its JSON with object keys sorted (Procore may list a record's
// fields in another order without changing it), integers with the exact digits Procore sent.
// 128 bits, base64url (22 characters): small to keep, and a collision between two versions of one
// record is out of reach.
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || JSON.isRawJSON(value)) return value;
  if (Array.isArray(value)) return value.map(canonical);
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, canonical(object[key])]),
  );
}

export function contentHash(record: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(record)) ?? 'undefined')
    .digest('base64url')
    .slice(0, 22);
}
