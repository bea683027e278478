import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RESOURCE_NAMES } from '../../functions/commons/resources/names';
import { MAX_PUSH_MESSAGE_DEPTH, parsePushMessage, pushMessageJsonSchema, PushMessageSchema } from '../../functions/commons/contracts/push-message';

const docs = path.resolve(__dirname, '..', '..', 'docs');
const examplesDir = path.join(docs, 'examples');
const exampleFiles = readdirSync(examplesDir).filter((f) => /^push-.*\.json$/.test(f));

/** The built-in resources that need no projectId: projects, the company directory, timecard entries, standard cost codes. */
const COMPANY_SCOPED: readonly string[] = ['projects', 'vendors', 'company_users', 'timecard_entries', 'standard_cost_codes'];

const base = { version: 1, id: 'msg-1', companyId: 4294967311, resource: 'vendors', operation: 'create', data: { name: 'A' } };

function problem(message: unknown): { errorClass: string; message: string } {
  const result = parsePushMessage(JSON.stringify(message));
  if (result.ok) throw new Error(`expected ${JSON.stringify(message)} to be rejected`);
  return result;
}

describe('push message contract v1', () => {
  it('docs/push-message.schema.json is the JSON Schema generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync(path.join(docs, 'push-message.schema.json'), 'utf8'));
    expect(committed).toEqual(pushMessageJsonSchema());
  });

  it('the JSON Schema carries the rules zod checks in code', () => {
    const schema = pushMessageJsonSchema() as { oneOf: { properties: { operation: { const: string } }; anyOf?: unknown }[]; allOf: unknown[] };
    const byOperation = Object.fromEntries(schema.oneOf.map((branch) => [branch.properties.operation.const, branch]));
    for (const op of ['update', 'upsert', 'delete']) {
      expect(byOperation[op]?.anyOf).toEqual([{ required: ['procoreId'] }, { required: ['originId'] }]);
    }
    expect(byOperation.create?.anyOf).toBeUndefined();
    expect(schema.allOf).toEqual([
      {
        if: {
          properties: {
            resource: {
              enum: RESOURCE_NAMES.filter((name) => !COMPANY_SCOPED.includes(name)),
            },
          },
          required: ['resource'],
        },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords
        then: { required: ['projectId'] },
      },
    ]);
  });

  it('has examples for every operation, and every example is valid', () => {
    const operations = new Set<string>();
    for (const file of exampleFiles) {
      const body = readFileSync(path.join(examplesDir, file), 'utf8');
      const result = parsePushMessage(body);
      if (!result.ok) throw new Error(`${file}: ${result.message}`);
      operations.add(result.message.operation);
    }
    expect([...operations].sort()).toEqual(['create', 'delete', 'update', 'upsert']);
  });

  it('accepts a minimal create and keeps ids beyond 32 bits exact', () => {
    const result = parsePushMessage(JSON.stringify({ ...base, companyId: 2 ** 40 + 7 }));
    expect(result).toEqual({ ok: true, message: { ...base, companyId: 2 ** 40 + 7 } });
  });

  it('names what is wrong: not JSON', () => {
    const result = parsePushMessage('{"version": 1, ');
    expect(result).toMatchObject({ ok: false, errorClass: 'InvalidJson' });
    expect(!result.ok && result.message).toMatch(/^body is not JSON/);
  });

  it('names what is wrong: unknown resource, listing the known ones', () => {
    const p = problem({ ...base, resource: 'widgets' });
    expect(p.errorClass).toBe('UnknownResource');
    expect(p.message).toMatch(/resource: unknown resource "widgets"; known: projects, rfis/);
  });

  it('names what is wrong: missing project for a project-scoped resource', () => {
    const p = problem({ ...base, resource: 'rfis', data: { subject: 's' } });
    expect(p).toEqual({ ok: false, errorClass: 'SchemaInvalid', message: 'invalid push message: projectId: required: rfis is project-scoped', id: 'msg-1' });
  });

  it('names what is wrong: update, upsert and delete need an address', () => {
    expect(problem({ ...base, operation: 'update' }).message).toContain('procoreId: update needs procoreId or originId');
    expect(problem({ ...base, operation: 'upsert' }).message).toContain('procoreId: upsert needs procoreId or originId');
    const { data: _data, ...noData } = base;
    expect(problem({ ...noData, operation: 'delete' }).message).toContain('procoreId: delete needs procoreId or originId');
  });

  it('names what is wrong: field by field, several at once', () => {
    const p = problem({ ...base, id: 'has space', companyId: '12', data: [] });
    expect(p.errorClass).toBe('SchemaInvalid');
    expect(p.message).toContain('id: may hold only letters, digits');
    expect(p.message).toContain('companyId: must be a number');
    expect(p.message).toContain('data: must be a JSON object');
  });

  it('rejects unsafe ids, unknown fields, data on delete, version 2 and a bad operation', () => {
    expect(problem({ ...base, companyId: 2 ** 53 }).message).toContain('companyId: must be at most 2^53-1');
    expect(problem({ ...base, procore_id: 5 }).message).toMatch(/Unrecognized key.*procore_id/);
    expect(problem({ ...base, operation: 'delete', procoreId: 5 }).message).toMatch(/Unrecognized key.*data/);
    expect(problem({ ...base, version: 2 }).message).toContain('version: must be 1');
    expect(problem({ ...base, operation: 'merge' }).message).toContain(
      "operation: Invalid discriminator value. Expected 'create' | 'update' | 'upsert' | 'delete'",
    );
    expect(problem({ ...base, id: 'x'.repeat(129) }).message).toContain('id: must be at most 128 characters');
    expect(problem({ ...base, operation: 'create', procoreId: 5 }).message).toMatch(/Unrecognized key.*procoreId/);
  });

  it('rejects originId and data.origin_id that disagree', () => {
    const p = problem({ ...base, originId: 'A-1', data: { name: 'A', origin_id: 'A-2' } });
    expect(p.message).toContain('data.origin_id: differs from originId');
    expect(PushMessageSchema.safeParse({ ...base, originId: 'A-1', data: { name: 'A', origin_id: 'A-1' } }).success).toBe(true);
  });
});

describe('push message problems name missing fields', () => {
  it('says "required" for an absent key and what is expected for a wrong one', () => {
    const { data: _data, companyId: _companyId, ...rest } = base;
    const p = problem(rest);
    expect(p.message).toContain('companyId: required');
    expect(p.message).toContain('data: required');
  });
});

describe('push message: parsed strictly, never guessed (issue 13, rule 8)', () => {
  const text = (overrides = '') =>
    `{"version":1,"id":"strict-1","companyId":4294967311,"resource":"vendors","operation":"update","procoreId":5,"data":{"name":"A"}${overrides}}`;
  const refused = (body: string) => {
    const result = parsePushMessage(body);
    if (result.ok) throw new Error(`expected ${body} to be refused`);
    return result;
  };

  it('refuses a key given twice, at the top and inside data, naming it', () => {
    const top = refused(text(',"procoreId":6'));
    expect(top).toMatchObject({ errorClass: 'InvalidJson', id: 'strict-1' });
    expect(top.message).toBe('body is not strict JSON (I-JSON, RFC 7493): duplicate key procoreId in (message)');
    expect(refused(text().replace('"name":"A"', '"name":"A","name":"B"')).message).toContain('duplicate key name in data');
    // Keys that differ only by an escape are the same key once decoded.
    expect(refused(text().replace('"name":"A"', '"name":"A","n\\u0061me":"B"')).message).toContain('duplicate key name in data');
  });

  it('refuses lone surrogates in ids, keys and values', () => {
    const loneInOrigin = text().replace('"procoreId":5', '"originId":"ERP-\\ud800"');
    expect(refused(loneInOrigin).message).toContain('originId: a string holds a lone UTF-16 surrogate');
    expect(refused(text().replace('"name":"A"', '"\\udc00":"A"')).message).toContain('data: a string holds a lone UTF-16 surrogate');
    expect(refused(`${text().slice(0, -2)},"note":"\ud800"}}`).errorClass).toBe('InvalidJson');
    // A surrogate pair is a character like any other.
    expect(parsePushMessage(text().replace('"name":"A"', '"name":"\\ud83d\\ude00"')).ok).toBe(true);
  });

  it.each([
    ['1e3', 'must be an integer written in plain digits'],
    ['1.0', 'must be an integer written in plain digits'],
    ['5E0', 'must be an integer written in plain digits'],
    ['-0', 'must be an integer written in plain digits'],
    ['9007199254740993', 'must be at most 2^53-1 (got 9007199254740993)'],
    ['123456789012345678901234567890', 'must be at most 2^53-1'],
  ])('refuses procoreId written %s', (raw, reason) => {
    const p = refused(text().replace('"procoreId":5', `"procoreId":${raw}`));
    expect(p.errorClass).toBe('SchemaInvalid');
    expect(p.message).toBe(
      `invalid push message: procoreId: ${reason}${reason.endsWith('digits') ? `, as Procore writes ids (got ${raw})` : reason.includes('got') ? '' : ` (got ${raw})`}`,
    );
  });

  it('refuses leading zeros (not JSON) and non-canonical company, project and data ids', () => {
    expect(refused(text().replace('"procoreId":5', '"procoreId":05')).errorClass).toBe('InvalidJson');
    expect(refused(text().replace('4294967311', '4294967311.0')).message).toContain('companyId: must be an integer written in plain digits');
    expect(refused(text().replace('"data":{', '"data":{"id":5.0,')).message).toContain('data.id: must be an integer written in plain digits');
    // Data fields that are not ids keep whatever number form Procore accepts.
    expect(parsePushMessage(text().replace('"name":"A"', '"name":"A","amount":1.50,"ratio":1e-3')).ok).toBe(true);
  });

  it('refuses nesting deeper than the limit, without overflowing anything', () => {
    const deep = (levels: number) => text().replace('"name":"A"', `"nested":${'['.repeat(levels)}${']'.repeat(levels)}`);
    expect(parsePushMessage(deep(MAX_PUSH_MESSAGE_DEPTH - 2)).ok).toBe(true);
    expect(refused(deep(MAX_PUSH_MESSAGE_DEPTH - 1)).message).toMatch(/nested deeper than 32 levels at data\.nested(\[0\])+/);
    const p = refused(deep(200_000));
    expect(p).toMatchObject({ errorClass: 'InvalidJson', id: 'strict-1' });
    expect(p.message.length).toBeLessThan(400);
  });

  it('says where JSON breaks without quoting the body', () => {
    const p = refused('{"version":1,"id":"x","secretish":"hunter2" "more":1}');
    expect(p.message).toBe('body is not JSON: unexpected character at offset 44 (in secretish)');
    expect(p.message).not.toContain('hunter2');
  });
});

describe('push message: data cannot re-address the write (issue 13, rule 1)', () => {
  it('refuses data.id on a create, on a write addressed by originId, and when it differs from procoreId', () => {
    expect(problem({ ...base, data: { name: 'A', id: 7 } }).message).toContain('data.id: a create cannot name a record');
    expect(problem({ ...base, operation: 'upsert', originId: 'ERP-1', data: { name: 'A', id: 7 } }).message).toContain(
      'data.id: names a record while the message addresses one by originId',
    );
    expect(problem({ ...base, operation: 'update', procoreId: 6, data: { name: 'A', id: 7 } }).message).toContain('data.id: differs from procoreId');
    expect(PushMessageSchema.safeParse({ ...base, operation: 'update', procoreId: 7, data: { name: 'A', id: 7 } }).success).toBe(true);
  });
});
