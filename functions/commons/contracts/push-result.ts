// Push result, version 1: what the push handler reports on the optional results queue, one message
// per push message it finished with (applied, or dead-lettered as permanently failed). Delivery is
// at least once: consumers dedupe on `id`.
import * as z from 'zod';
import { ProcoreIdSchema } from './procore-id';
import { ResourceNameSchema } from '../resources/names';
import { PUSH_OPERATIONS } from './push-message';

export const PUSH_RESULT_VERSION = 1;

const Applied = z.strictObject({
  version: z.literal(PUSH_RESULT_VERSION),
  id: z.string().describe('The push message id.'),
  status: z.literal('applied'),
  resource: ResourceNameSchema,
  operation: z.enum(PUSH_OPERATIONS),
  companyId: ProcoreIdSchema,
  projectId: ProcoreIdSchema.nullable(),
  procoreId: ProcoreIdSchema.describe('The Procore id of the record written (or deleted).'),
  originId: z.string().nullable(),
});

const DeadLettered = z.strictObject({
  version: z.literal(PUSH_RESULT_VERSION),
  id: z.string().nullable().describe('The push message id, or null when the body had no readable id.'),
  messageId: z.string().describe('The SQS message id of the push message.'),
  status: z.literal('dead_lettered'),
  resource: z.string().nullable(),
  operation: z.string().nullable(),
  companyId: z.number().nullable(),
  projectId: z.number().nullable(),
  originId: z.string().nullable(),
  reason: z.strictObject({
    errorClass: z.string(),
    message: z.string(),
    httpStatus: z.number().int().optional(),
    procoreRequestId: z.string().optional(),
  }),
});

export const PushResultSchema = z.discriminatedUnion('status', [Applied, DeadLettered]).meta({
  title: 'Procore push result v1',
  description: 'The outcome of one push message, sent to the results queue when one is configured.',
});

export type PushResult = z.infer<typeof PushResultSchema>;
