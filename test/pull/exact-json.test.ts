// parseExactJson reads Procore pages: integers beyond 2^53 keep their digits, everything else reads
// as JSON.parse reads it (most pages have no 16-digit run and skip the reviver altogether).
import fc from 'fast-check';
import { parseExactJson } from '../../functions/commons/json/exact-json';

describe('parseExactJson', () => {
  it('keeps an unsafe 16-digit integer to the digit and leaves the safe one beside it a number', () => {
    const parsed = parseExactJson('{"a":9007199254740991,"b":9007199254740993,"c":-9007199254740993}') as Record<string, unknown>;
    expect(parsed.a).toBe(9007199254740991);
    expect(JSON.stringify(parsed)).toBe('{"a":9007199254740991,"b":9007199254740993,"c":-9007199254740993}');
    expect(JSON.isRawJSON(parsed.b)).toBe(true);
  });

  it('reads any JSON back to the same text, with or without 16-digit runs in its strings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.stringMatching(/^\d{0,20}$/), (value, digits) => {
        const text = JSON.stringify({ value, note: digits });
        expect(JSON.stringify(parseExactJson(text))).toBe(text);
      }),
    );
  });
});
