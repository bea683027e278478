// The bad-input corpus: one push message per class of mistake an upstream producer (or an attacker)
// can make. Each must end in the push DLQ with a reason class and a message naming the problem.
// `good` is a valid message of the same run, used where a class needs something real to point at.

export interface CorpusContext {
  companyId: number;
  projectId: number;
  /** A company where the app is not installed. */
  foreignCompanyId: number;
  rfiManagerId: number;
  /** A seeded vendor (not the one `applied` made). */
  vendorId: number;
  /** A valid, already applied message (its id is reused by one class). */
  applied: { id: string; body: string };
  /** A unique prefix for ids of this run. */
  run: string;
}

export interface BadInputClass {
  name: string;
  body(ctx: CorpusContext): string;
  errorClass: string;
  /** What the dead-letter reason must say. */
  reason: RegExp;
}

const json = (value: unknown) => JSON.stringify(value);
const vendorCreate = (ctx: CorpusContext, id: string, extra: Record<string, unknown> = {}) => ({
  version: 1,
  id: `${ctx.run}-${id}`,
  companyId: ctx.companyId,
  resource: 'vendors',
  operation: 'create',
  data: { name: `Corpus ${id}` },
  ...extra,
});

export const BAD_INPUT_CORPUS: BadInputClass[] = [
  { name: 'not JSON', body: () => '{"version": 1, "id": "half-a-message",', errorClass: 'InvalidJson', reason: /not JSON/ },
  { name: 'empty body (whitespace)', body: () => ' ', errorClass: 'InvalidJson', reason: /not JSON/ },
  { name: 'JSON null', body: () => 'null', errorClass: 'SchemaInvalid', reason: /object/i },
  { name: 'JSON array', body: () => '[{"version": 1}]', errorClass: 'SchemaInvalid', reason: /object/i },
  { name: 'JSON string', body: () => '"create vendor please"', errorClass: 'SchemaInvalid', reason: /object/i },
  { name: 'empty object', body: () => '{}', errorClass: 'SchemaInvalid', reason: /operation/ },
  {
    name: 'wrong type (companyId string)',
    body: (c) => json(vendorCreate(c, 'wrong-type', { companyId: String(c.companyId) })),
    errorClass: 'SchemaInvalid',
    reason: /companyId: must be a number/,
  },
  { name: 'missing id', body: (c) => json({ ...vendorCreate(c, 'x'), id: undefined }), errorClass: 'SchemaInvalid', reason: /id: required/ },
  { name: 'empty id', body: (c) => json(vendorCreate(c, 'x', { id: '' })), errorClass: 'SchemaInvalid', reason: /id: must not be empty/ },
  {
    name: 'unknown resource',
    body: (c) => json(vendorCreate(c, 'unknown-resource', { resource: 'widgets' })),
    errorClass: 'UnknownResource',
    reason: /resource/,
  },
  {
    name: 'unknown operation',
    body: (c) => json(vendorCreate(c, 'unknown-operation', { operation: 'merge' })),
    errorClass: 'SchemaInvalid',
    reason: /operation/,
  },
  {
    name: 'oversize id (129 chars)',
    body: (c) => json(vendorCreate(c, 'x', { id: `a${'b'.repeat(128)}` })),
    errorClass: 'SchemaInvalid',
    reason: /id: must be at most 128 characters/,
  },
  {
    name: 'oversize originId (256 chars)',
    body: (c) => json(vendorCreate(c, 'oversize-origin', { originId: 'o'.repeat(256) })),
    errorClass: 'SchemaInvalid',
    reason: /originId: must be at most 255 characters/,
  },
  {
    name: 'wrong company (app not installed)',
    body: (c) => json(vendorCreate(c, 'wrong-company', { companyId: c.foreignCompanyId })),
    errorClass: 'ProcoreForbidden',
    reason: /not connected to this company/,
  },
  {
    name: 'negative id',
    body: (c) => json(vendorCreate(c, 'negative', { companyId: -c.companyId })),
    errorClass: 'SchemaInvalid',
    reason: /companyId: must be positive/,
  },
  // Written as raw JSON text: 2^53 + 1 has no exact double, so JSON.stringify could not produce it.
  {
    name: 'id beyond 2^53',
    body: (c) => json(vendorCreate(c, 'beyond-2-53')).replace(/"companyId":\d+/, '"companyId":9007199254740993'),
    errorClass: 'SchemaInvalid',
    reason: /companyId: must be at most 2\^53-1/,
  },
  {
    name: 'fractional id',
    body: (c) => json({ ...vendorCreate(c, 'fraction', { operation: 'update', procoreId: 1.5 }) }),
    errorClass: 'SchemaInvalid',
    reason: /procoreId: must be an integer/,
  },
  {
    name: 'injection string in id',
    body: (c) => json(vendorCreate(c, 'x', { id: "x'; DROP TABLE push;--" })),
    errorClass: 'SchemaInvalid',
    reason: /id: may hold only/,
  },
  {
    name: 'path traversal in id',
    body: (c) => json(vendorCreate(c, 'x', { id: '../../etc/passwd' })),
    errorClass: 'SchemaInvalid',
    reason: /id: may hold only/,
  },
  {
    name: 'injection string in procoreId',
    body: (c) => json(vendorCreate(c, 'inject-procore-id', { operation: 'update', procoreId: '1 OR 1=1' })),
    errorClass: 'SchemaInvalid',
    reason: /procoreId: must be a number/,
  },
  {
    name: 'injection string in originId',
    body: (c) => json(vendorCreate(c, 'inject-origin-id', { operation: 'update', originId: "' OR '1'='1" })),
    errorClass: 'OriginIdNotFound',
    reason: /originId: no vendors record/,
  },
  {
    name: 'control characters in originId',
    body: (c) => json(vendorCreate(c, 'control-origin', { originId: 'ERP\u0000\u001b[31m' })),
    errorClass: 'SchemaInvalid',
    reason: /originId: must not contain control characters/,
  },
  {
    name: 'wrong contract version',
    body: (c) => json(vendorCreate(c, 'version-2', { version: 2 })),
    errorClass: 'SchemaInvalid',
    reason: /version: must be 1/,
  },
  {
    name: 'missing version',
    body: (c) => json({ ...vendorCreate(c, 'no-version'), version: undefined }),
    errorClass: 'SchemaInvalid',
    reason: /version: must be 1/,
  },
  {
    name: 'unknown field (procore_id typo)',
    body: (c) => json(vendorCreate(c, 'typo', { operation: 'update', procore_id: 5 })),
    errorClass: 'SchemaInvalid',
    reason: /procore_id/,
  },
  {
    name: '__proto__ key',
    body: (c) => json(vendorCreate(c, 'proto')).replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
    errorClass: 'SchemaInvalid',
    reason: /__proto__/,
  },
  {
    name: 'create with procoreId',
    body: (c) => json(vendorCreate(c, 'create-procore-id', { procoreId: 5 })),
    errorClass: 'SchemaInvalid',
    reason: /procoreId/,
  },
  {
    name: 'update without an address',
    body: (c) => json(vendorCreate(c, 'no-address', { operation: 'update' })),
    errorClass: 'SchemaInvalid',
    reason: /procoreId or originId/,
  },
  {
    name: 'project-scoped without projectId',
    body: (c) =>
      json({
        version: 1,
        id: `${c.run}-no-project`,
        companyId: c.companyId,
        resource: 'rfis',
        operation: 'create',
        data: { subject: 'x', rfi_manager_id: c.rfiManagerId, question: { body: 'q' } },
      }),
    errorClass: 'SchemaInvalid',
    reason: /projectId: required/,
  },
  {
    name: 'unknown project',
    body: (c) =>
      json({
        version: 1,
        id: `${c.run}-unknown-project`,
        companyId: c.companyId,
        projectId: 4_000_000_000_000,
        resource: 'rfis',
        operation: 'create',
        data: { subject: 'x', rfi_manager_id: c.rfiManagerId, question: { body: 'q' } },
      }),
    errorClass: 'ProcoreNotFound',
    reason: /[Pp]roject not found/,
  },
  {
    name: 'data not an object',
    body: (c) => json(vendorCreate(c, 'data-array', { data: ['name'] })),
    errorClass: 'SchemaInvalid',
    reason: /data: must be a JSON object/,
  },
  {
    name: 'delete with data',
    body: (c) => json(vendorCreate(c, 'delete-data', { operation: 'delete', procoreId: 5 })),
    errorClass: 'SchemaInvalid',
    reason: /data/,
  },
  {
    name: 'delete Procore cannot do',
    body: (c) => json({ version: 1, id: `${c.run}-vendor-delete`, companyId: c.companyId, resource: 'vendors', operation: 'delete', procoreId: 5 }),
    errorClass: 'OperationNotSupported',
    reason: /cannot delete vendors/,
  },
  {
    name: 'record not found',
    body: (c) => json(vendorCreate(c, 'not-found', { operation: 'update', procoreId: 12_345 })),
    errorClass: 'ProcoreNotFound',
    reason: /404|not found/i,
  },
  {
    name: 'Procore rejects the fields',
    body: (c) => json(vendorCreate(c, 'blank-name', { data: { name: '   ' } })),
    errorClass: 'ProcoreValidation',
    reason: /name/,
  },
  // Strict parsing (issue 13): what JSON.parse would let through by guessing.
  {
    name: 'duplicate key',
    body: (c) => json(vendorCreate(c, 'dup-key')).replace('"companyId":', `"companyId":${c.companyId},"companyId":`),
    errorClass: 'InvalidJson',
    reason: /duplicate key companyId/,
  },
  {
    name: 'lone surrogate in originId',
    body: (c) => json(vendorCreate(c, 'lone-surrogate', { originId: 'ERP-X' })).replace('"ERP-X"', '"ERP-\\ud800"'),
    errorClass: 'InvalidJson',
    reason: /originId: a string holds a lone UTF-16 surrogate/,
  },
  {
    name: 'id written 1e3',
    body: (c) => json(vendorCreate(c, 'exponent', { operation: 'update', procoreId: 1000 })).replace('"procoreId":1000', '"procoreId":1e3'),
    errorClass: 'SchemaInvalid',
    reason: /procoreId: must be an integer written in plain digits/,
  },
  {
    name: 'id written 5.0',
    body: (c) => json(vendorCreate(c, 'point-zero', { operation: 'update', procoreId: 5 })).replace('"procoreId":5', '"procoreId":5.0'),
    errorClass: 'SchemaInvalid',
    reason: /procoreId: must be an integer written in plain digits/,
  },
  {
    name: 'nesting too deep',
    body: (c) => json(vendorCreate(c, 'deep')).replace('"data":{', `"data":{"deep":${'['.repeat(10_000)}${']'.repeat(10_000)},`),
    errorClass: 'InvalidJson',
    reason: /nested deeper than 32 levels/,
  },
  // Addressing (issue 13): a write lands only on the record the message addresses.
  {
    name: 'data.id names another record',
    body: (c) => json(vendorCreate(c, 'data-id', { operation: 'upsert', originId: `ERP-${c.run}-data-id`, data: { name: 'x', id: c.vendorId } })),
    errorClass: 'SchemaInvalid',
    reason: /data\.id: names a record/,
  },
  {
    name: 'procoreId and originId name different records',
    body: (c) => json(vendorCreate(c, 'address-conflict', { operation: 'update', procoreId: c.vendorId, originId: `ERP-${c.run}-first` })),
    errorClass: 'AddressConflict',
    reason: /name different vendors records/,
  },
  {
    name: 'id reused with other content',
    body: (c) => json({ ...(JSON.parse(c.applied.body) as object), data: { name: 'Something else' } }),
    errorClass: 'IdempotencyKeyReused',
    reason: /id/,
  },
];
