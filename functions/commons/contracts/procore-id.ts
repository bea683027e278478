// A Procore record id as every contract carries it: a JSON number. Procore ids can exceed 32 bits;
// JS numbers hold integers exactly up to 2^53-1, so larger ones are refused rather than rounded.
import * as z from 'zod';

export const ProcoreIdSchema = z
  .number({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a number') })
  .int('must be an integer')
  .positive('must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'must be at most 2^53-1 (send Procore ids as JSON numbers)');
