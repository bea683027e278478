// Push result, version 1: what the push handler reports on the optional results queue, one message
// per push message it finished with (applied, or dead-lettered as permanently failed). Delivery is
// at least once: consumers dedupe on `id`.
import * as z from '../validation/zod';
import { ProcoreIdSchema } from './procore-id';
import { ResourceNameSchema } from '../resources/names';
import { PUSH_OPERATIONS } from './push-message';
import { PUSH_RESULT_VERSION } from './push-result-version';

const Applied = z.strictObject({
  version: z.literal(PUSH_RESULT_VERSION),
  id: z.string().check(z.describe('The push message id.')),
  status: z.literal('applied'),
  resource: ResourceNameSchema,
  operation: z.enum(PUSH_OPERATIONS),
  companyId: ProcoreIdSchema,
  projectId: z.nullable(ProcoreIdSchema),
  procoreId: ProcoreIdSchema.check(z.describe('The Procore id of the record written (or deleted).')),
  originId: z.nullable(z.string()),
});

const DeadLettered = z.strictObject({
  version: z.literal(PUSH_RESULT_VERSION),
  id: z.nullable(z.string()).check(z.describe('The push message id, or null when the body had no readable id.')),
  messageId: z.string().check(z.describe('The SQS message id of the push message.')),
  status: z.literal('dead_lettered'),
  resource: z.nullable(z.string()),
  operation: z.nullable(z.string()),
  companyId: z.nullable(z.number()),
  projectId: z.nullable(z.number()),
  originId: z.nullable(z.string()),
  reason: z.strictObject({
    errorClass: z.string(),
    message: z.string(),
    httpStatus: z.optional(z.number().check(z.int())),
    procoreRequestId: z.optional(z.string()),
  }),
});

export const PushResultSchema = z.discriminatedUnion('status', [Applied, DeadLettered]).check(
  z.meta({
    title: 'Procore push result v1',
    description: 'The outcome of one push message, sent to the results queue when one is configured.',
  }),
);

export type PushResult = z.infer<typeof PushResultSchema>;
