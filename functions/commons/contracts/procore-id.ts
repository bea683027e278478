// A Procore record id as every contract carries it: a JSON number. Procore ids can exceed 32 bits;
// JS numbers hold integers exactly up to 2^53-1, so larger ones are refused rather than rounded.
import * as z from '../validation/zod';
import { integerText } from '../json/exact-json';

export const ProcoreIdSchema = z
  .number({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a number') })
  .check(
    z.int('must be an integer'),
    z.positive('must be positive'),
    z.lte(Number.MAX_SAFE_INTEGER, 'must be at most 2^53-1 (send Procore ids as JSON numbers)'),
  );

/**
 * An id from a Procore answer (read with parseExactJson, which keeps an integer beyond 2^53-1 as
 * its exact digits): the number, or why the connector cannot use it. Such an id is refused, never
 * rounded: a rounded company or project id would name another company or project.
 */
export function readProcoreId(value: unknown): { ok: true; id: number } | { ok: false; reason: string } {
  const digits = integerText(value);
  if (digits !== undefined && typeof value !== 'number') {
    return { ok: false, reason: `id ${digits} is beyond 2^53-1: a JavaScript number cannot hold it exactly` };
  }
  const parsed = ProcoreIdSchema.safeParse(value);
  if (parsed.success) return { ok: true, id: parsed.data };
  return { ok: false, reason: `id ${String(JSON.stringify(value) ?? value).slice(0, 40)}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
}
