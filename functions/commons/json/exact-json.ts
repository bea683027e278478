// JSON with integers beyond 2^53 kept to the digit. Procore ids are 64-bit integers; JSON.parse
// rounds any integer past Number.MAX_SAFE_INTEGER (9007199254740993 becomes 9007199254740992).
// parseExactJson reads such integers from their source text (JSON.parse's reviver `context.source`,
// ES2025, Node >= 21) into raw JSON values (JSON.rawJSON), which JSON.stringify writes back as the
// same digits: a record read this way and sent on is sent with the ids Procore gave.
// Smaller numbers, and every non-integer, parse as usual.

/** A JSON value kept as its source text (what JSON.rawJSON returns). */
export interface RawJson {
  readonly rawJSON: string;
}

declare global {
  interface JSON {
    rawJSON(text: string): RawJson;
    isRawJSON(value: unknown): value is RawJson;
  }
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const INTEGER = /^-?(0|[1-9]\d*)$/;

/** 16 digits in a row: the shortest integer that can pass 2^53 − 1 (9007199254740991 has 16). */
const SIXTEEN_DIGITS = /\d{16}/;

/** JSON.parse, except that integers beyond ±(2^53 − 1) become raw JSON values holding their exact digits. */
export function parseExactJson(text: string): unknown {
  // A text with no 16-digit run holds no such integer, and JSON.parse alone reads it the same way:
  // the reviver (a call per value, several times JSON.parse's own cost) only runs when one may be there.
  if (!SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  const keepDigits: Reviver = (_key, value, context) => {
    if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
    const source = context?.source;
    return source !== undefined && INTEGER.test(source) ? JSON.rawJSON(source) : value;
  };
  return JSON.parse(text, keepDigits as (key: string, value: unknown) => unknown);
}

/** An integer id's exact decimal digits, whether it was parsed as a number or kept as raw JSON. */
export function integerText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (JSON.isRawJSON(value)) return INTEGER.test(value.rawJSON) ? value.rawJSON : undefined;
  return undefined;
}
