// Push message, version 1: what upstream systems put on the push queue, one Procore write per
// message. Producers code against this; docs/push-message.schema.json is the same contract as JSON
// Schema (generated from this file; a test keeps the two equal).
import { z } from 'zod';
import { getResource } from '../resources/registry';
import { ResourceNameSchema } from '../resources/names';
import { ProcoreIdSchema } from './procore-id';

export const PUSH_MESSAGE_VERSION = 1;

/** Characters allowed in a message id: safe in DynamoDB keys, logs and Procore origin ids. */
export const PUSH_MESSAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@#/+=-]*$/;

/** zod's type error for a key: "required" when absent, else what the value should be. */
const expected = (what: string) => (issue: { input: unknown }) => (issue.input === undefined ? 'required' : what);

const common = {
  version: z.literal(PUSH_MESSAGE_VERSION, { error: 'must be 1' }).describe('Message format version; a breaking change bumps it.'),
  id: z
    .string({ error: expected('must be a string') })
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(PUSH_MESSAGE_ID_PATTERN, 'may hold only letters, digits and . _ : @ # / + = - (starting with a letter or digit)')
    .describe(
      'Producer-chosen unique key of this write (the idempotency key): a redelivered or re-sent message with the same id is applied once.',
    ),
  companyId: ProcoreIdSchema.describe('The Procore company the record belongs to.'),
  projectId: ProcoreIdSchema.optional().describe('The Procore project; required for project-scoped resources, ignored by company-scoped ones.'),
  resource: ResourceNameSchema.describe("The connector's resource name (a registry entry), e.g. vendors or rfis."),
};

const OriginId = z
  .string({ error: expected('must be a string') })
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
  .describe(
    "The upstream system's key for the record, unique per company and resource. Sent to Procore as origin_id where the resource supports it; otherwise kept in the connector's origin map.",
  );

const Data = z
  .record(z.string(), z.unknown(), { error: expected('must be a JSON object') })
  .describe("The resource's fields as Procore names them, without Procore's body wrapper (the connector adds it).");

const Address = {
  procoreId: ProcoreIdSchema.optional().describe('The Procore id of the record to change.'),
  originId: OriginId.optional(),
};

const Create = z.strictObject({
  ...common,
  operation: z.literal('create'),
  originId: OriginId.optional(),
  data: Data,
});

const Update = z.strictObject({ ...common, operation: z.literal('update'), ...Address, data: Data });
const Upsert = z.strictObject({ ...common, operation: z.literal('upsert'), ...Address, data: Data });
const Delete = z.strictObject({ ...common, operation: z.literal('delete'), ...Address });

export const PUSH_OPERATIONS = ['create', 'update', 'upsert', 'delete'] as const;
export type PushOperation = (typeof PUSH_OPERATIONS)[number];

const PushMessageShape = z.discriminatedUnion('operation', [Create, Update, Upsert, Delete]);

export const PushMessageSchema = PushMessageShape.superRefine((message, ctx) => {
  if (message.operation !== 'create' && message.procoreId === undefined && message.originId === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['procoreId'],
      message: `${message.operation} needs procoreId or originId to address the record`,
    });
  }
  if (message.operation !== 'delete') {
    const dataOriginId = message.data.origin_id;
    if (message.originId !== undefined && dataOriginId !== undefined && dataOriginId !== message.originId) {
      ctx.addIssue({ code: 'custom', path: ['data', 'origin_id'], message: 'differs from originId; send one or make them equal' });
    }
  }
  if (getResource(message.resource).scope === 'project' && message.projectId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['projectId'], message: `required: ${message.resource} is project-scoped` });
  }
}).meta({
  title: 'Procore push message v1',
  description:
    'One write to Procore (create, update, upsert or delete of one record), sent by an upstream system to the push queue.',
});

export type PushMessage = z.infer<typeof PushMessageSchema>;

export type PushMessageParse =
  | { ok: true; message: PushMessage }
  | { ok: false; errorClass: 'InvalidJson' | 'SchemaInvalid' | 'UnknownResource'; message: string; id?: string };

/** Parses a queue message body; the failure names every problem and where it is, never echoes data values. */
export function parsePushMessage(body: string): PushMessageParse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, errorClass: 'InvalidJson', message: `body is not JSON: ${(error as Error).message}` };
  }
  const id = readId(json);
  const result = PushMessageSchema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const unknownResource = result.error.issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'resource');
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(message)'}: ${issue.message}`);
  return {
    ok: false,
    errorClass: unknownResource ? 'UnknownResource' : 'SchemaInvalid',
    message: `invalid push message: ${problems.join('; ')}`,
    ...(id === undefined ? {} : { id }),
  };
}

function readId(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const id = (json as { id?: unknown }).id;
  return typeof id === 'string' && id.length <= 128 && PUSH_MESSAGE_ID_PATTERN.test(id) ? id : undefined;
}

/**
 * The JSON Schema of the push message (docs/push-message.schema.json holds this output). The rules
 * zod checks in code (an address for update/upsert/delete, projectId for project-scoped resources)
 * are added as JSON Schema keywords so producers validating against the file see them too.
 */
export function pushMessageJsonSchema(): Record<string, unknown> {
  const addressed = new Set<unknown>([Update, Upsert, Delete]);
  const schema = z.toJSONSchema(PushMessageSchema, {
    target: 'draft-2020-12',
    override: (ctx) => {
      if (addressed.has(ctx.zodSchema)) {
        ctx.jsonSchema.anyOf = [{ required: ['procoreId'] }, { required: ['originId'] }];
      }
    },
  }) as Record<string, unknown>;
  const projectScoped = ResourceNameSchema.options.filter((name) => getResource(name).scope === 'project');
  return {
    ...schema,
    allOf: [{ if: { properties: { resource: { enum: projectScoped } }, required: ['resource'] }, then: { required: ['projectId'] } }],
  };
}
