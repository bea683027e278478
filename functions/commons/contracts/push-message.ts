// Push message, version 1: what upstream systems put on the push queue, one Procore write per
// message. Producers code against this; docs/push-message.schema.json is the same contract as JSON
// Schema (generated from this file; a test keeps the two equal).
import { findResource, KnownResourceNameSchema, listResources } from '../resources/registry';
import { ProcoreIdSchema } from './procore-id';
import { describePath, parseStrictJson } from './strict-json';
import * as z from '../validation/zod';

const PUSH_MESSAGE_VERSION = 1;

/** Characters allowed in a message id: safe in DynamoDB keys, logs and Procore origin ids. */
const PUSH_MESSAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@#/+=-]*$/;

/** zod's type error for a key: "required" when absent, else what the value should be. */
const expected = (what: string) => (issue: { input: unknown }) => (issue.input === undefined ? 'required' : what);

const common = {
  version: z.literal(PUSH_MESSAGE_VERSION, { error: 'must be 1' }).check(z.describe('Message format version; a breaking change bumps it.')),
  id: z
    .string({ error: expected('must be a string') })
    .check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(128, 'must be at most 128 characters'),
      z.regex(PUSH_MESSAGE_ID_PATTERN, 'may hold only letters, digits and . _ : @ # / + = - (starting with a letter or digit)'),
      z.describe('Producer-chosen unique key of this write (the idempotency key): a redelivered or re-sent message with the same id is applied once.'),
    ),
  companyId: ProcoreIdSchema.check(z.describe('The Procore company the record belongs to.')),
  projectId: z.optional(ProcoreIdSchema).check(z.describe('The Procore project; required for project-scoped resources, ignored by company-scoped ones.')),
  resource: KnownResourceNameSchema.check(
    z.describe("The connector's resource name (a registry entry: built-in, e.g. vendors or rfis, or declared in the stage config)."),
  ),
};

const OriginId = z.string({ error: expected('must be a string') }).check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(255, 'must be at most 255 characters'),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  z.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
  z.describe(
    "The upstream system's key for the record, unique per company and resource. Sent to Procore as origin_id where the resource supports it; otherwise kept in the connector's origin map.",
  ),
);

const Data = z
  .record(z.string(), z.unknown(), { error: expected('must be a JSON object') })
  .check(z.describe("The resource's fields as Procore names them, without Procore's body wrapper (the connector adds it)."));

const Address = {
  procoreId: z.optional(ProcoreIdSchema).check(z.describe('The Procore id of the record to change.')),
  originId: z.optional(OriginId),
};

const Create = z.strictObject({
  ...common,
  operation: z.literal('create'),
  originId: z.optional(OriginId),
  data: Data,
});

const Update = z.strictObject({ ...common, operation: z.literal('update'), ...Address, data: Data });
const Upsert = z.strictObject({ ...common, operation: z.literal('upsert'), ...Address, data: Data });
const Delete = z.strictObject({ ...common, operation: z.literal('delete'), ...Address });

export const PUSH_OPERATIONS = ['create', 'update', 'upsert', 'delete'] as const;

const PushMessageShape = z.discriminatedUnion('operation', [Create, Update, Upsert, Delete]);

export const PushMessageSchema = PushMessageShape.check(
  z.superRefine((message, ctx) => {
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
      const dataIdProblem = dataIdConflict(message);
      if (dataIdProblem) ctx.addIssue({ code: 'custom', path: ['data', 'id'], message: dataIdProblem });
    }
    if (findResource(message.resource)?.scope === 'project' && message.projectId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['projectId'], message: `required: ${message.resource} is project-scoped` });
    }
  }),
  z.meta({
    title: 'Procore push message v1',
    description: 'One write to Procore (create, update, upsert or delete of one record), sent by an upstream system to the push queue.',
  }),
);

export type PushMessage = z.infer<typeof PushMessageSchema>;

/**
 * A write lands only on the record the message addresses (procoreId, else originId): an `id` inside
 * `data` would make Procore's batch upsert (`/sync`) write to the record it names instead, so it is
 * allowed only as a repeat of procoreId.
 */
function dataIdConflict(message: PushMessage): string | undefined {
  if (message.operation === 'delete' || message.data.id === undefined) return undefined;
  if (message.operation === 'create') return 'a create cannot name a record (Procore assigns the id); remove it';
  if (message.procoreId === undefined) return 'names a record while the message addresses one by originId; send procoreId instead, or remove data.id';
  return message.data.id === message.procoreId ? undefined : 'differs from procoreId; send one or make them equal';
}

/** Nesting a push message may have (the message itself is level 1, data level 2): Procore's bodies need a few. */
export const MAX_PUSH_MESSAGE_DEPTH = 32;

/** Number fields that are Procore ids: each must be written as plain digits, as Procore writes ids. */
const ID_NUMBER_PATHS = new Set(['companyId', 'projectId', 'procoreId', 'data.id']);

export type PushMessageParse =
  | { ok: true; message: PushMessage }
  | { ok: false; errorClass: 'InvalidJson' | 'SchemaInvalid' | 'UnknownResource'; message: string; id?: string };

/**
 * Parses a queue message body strictly: duplicate keys, lone surrogates, nesting deeper than
 * MAX_PUSH_MESSAGE_DEPTH and ids not written as plain integers are refused, never guessed at. The
 * failure names every problem and where it is, and never echoes data values.
 */
export function parsePushMessage(body: string): PushMessageParse {
  const parsed = parseStrictJson(body, { maxDepth: MAX_PUSH_MESSAGE_DEPTH, keepNumbersAt: ID_NUMBER_PATHS });
  if (!parsed.ok) {
    const what = parsed.problem === 'syntax' ? 'body is not JSON' : 'body is not strict JSON (I-JSON, RFC 7493)';
    return { ok: false, errorClass: 'InvalidJson', message: `${what}: ${parsed.message}`, ...idOf(body) };
  }
  const json = parsed.value;
  const id = readId(json);
  const problems = [...parsed.numbers].flatMap(([path, raw]) => nonCanonicalId(path, raw) ?? []);
  const result = PushMessageSchema.safeParse(json);
  if (result.success && problems.length === 0) return { ok: true, message: result.data };
  const issues = result.success ? [] : result.error.issues;
  const unknownResource = issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'resource');
  // A field refused for how its number is written is not also refused for the value it was read as.
  const written = new Set(problems.map((p) => p.path));
  for (const issue of issues) {
    const path = describePath(issue.path as (string | number)[]);
    if (!written.has(path)) problems.push({ path, message: issue.message });
  }
  return {
    ok: false,
    errorClass: unknownResource ? 'UnknownResource' : 'SchemaInvalid',
    message: `invalid push message: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    ...(id === undefined ? {} : { id }),
  };
}

/**
 * An id must be written as Procore writes it: digits, no sign, fraction, exponent or leading zero.
 * JSON.parse reads 1e3 as 1000, 1.0 as 1 and 9007199254740993 as 9007199254740992: refused, not read.
 */
function nonCanonicalId(path: string, raw: string): { path: string; message: string } | undefined {
  if (/^[1-9]\d*$/.test(raw)) {
    return BigInt(raw) > BigInt(Number.MAX_SAFE_INTEGER) ? { path, message: `must be at most 2^53-1 (got ${raw})` } : undefined;
  }
  if (/^-?\d+$/.test(raw) && raw !== '-0') return undefined; // 0 or negative: the schema says "must be positive"
  return { path, message: `must be an integer written in plain digits, as Procore writes ids (got ${raw.slice(0, 40)})` };
}

/** The message id, read leniently, so a refusal of a body that is not strict JSON can still name it. */
function idOf(body: string): { id?: string } {
  try {
    const id = readId(JSON.parse(body));
    return id === undefined ? {} : { id };
  } catch {
    return {};
  }
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
  // The built-in project-scoped resources; a stage's declared ones are checked by the connector itself.
  const projectScoped = listResources()
    .filter((resource) => resource.scope === 'project')
    .map((resource) => resource.name);
  return {
    ...schema,
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords
    allOf: [{ if: { properties: { resource: { enum: projectScoped } }, required: ['resource'] }, then: { required: ['projectId'] } }],
  };
}
