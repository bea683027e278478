// Property (issue 13): push messages, valid and hostile, in mixed batches on a standard and a FIFO
// queue, through the push handler core against the Procore simulator and moto. Whatever the mix:
// the handler never throws, every valid message is applied exactly once and never dead-lettered,
// every hostile one is dead-lettered with the connector's reason naming its problem (and only the
// connector's: producer-set connector.* attributes are gone), and nothing else is written.
import fc from 'fast-check';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTE_NAMES, readFailureAttributes } from '../../functions/commons/queues/dead-letter';
import { BENCH_MAX_ATTEMPTS, startPropertyBench, type OutgoingBody, type PropertyBench } from './support/property-bench';

jest.setTimeout(120_000);

let bench: PropertyBench;
let seededVendors: number[];
const SEEDED_ORIGIN = 'ERP-PROPERTY-SEEDED';

beforeAll(async () => {
  bench = await startPropertyBench();
  seededVendors = bench.sim.store.list('vendors', { companyId: bench.companyId }).map((v) => v.id);
  // An upstream key already mapped to the first vendor, for messages that name it with another id.
  await bench.originMap.put(
    { companyId: bench.companyId, resource: 'vendors', originId: SEEDED_ORIGIN },
    { procoreId: seededVendors[0]!, projectId: null, messageId: 'seed' },
  );
});

afterAll(async () => {
  await bench?.close();
});

/** What a generated message must end as. */
type Expect = { valid: true; applied: (marker: string) => boolean } | { valid: false; errorClass: string; reason: RegExp };

interface Ctx {
  id: string;
  marker: string;
  companyId: number;
  projectId: number;
  rfiManager: number;
  /** A seeded vendor no other message of the run writes. */
  vendorId: number;
}

interface Kind {
  name: string;
  body(c: Ctx): string;
  expect: Expect;
}

const j = JSON.stringify;
const vendorsNamed = (marker: string) => bench.sim.store.list('vendors', { companyId: bench.companyId }).filter((v) => v.name === marker).length;
const rfisWith = (marker: string) =>
  bench.sim.store.list('rfis', { companyId: bench.companyId, projectId: bench.projectId }).filter((r) => r.subject === marker).length;
const once = (count: (marker: string) => number) => (marker: string) => count(marker) === 1;
const rfi = (c: Ctx, extra: Record<string, unknown> = {}) => ({
  version: 1,
  id: c.id,
  companyId: c.companyId,
  projectId: c.projectId,
  resource: 'rfis',
  operation: 'create',
  data: { subject: c.marker, rfi_manager_id: c.rfiManager, question: { body: 'Property?' } },
  ...extra,
});
const vendor = (c: Ctx, extra: Record<string, unknown> = {}) => ({
  version: 1,
  id: c.id,
  companyId: c.companyId,
  resource: 'vendors',
  operation: 'create',
  data: { name: c.marker },
  ...extra,
});

const VALID: Kind[] = [
  { name: 'vendor create', body: (c) => j(vendor(c)), expect: { valid: true, applied: once(vendorsNamed) } },
  { name: 'vendor create with originId', body: (c) => j(vendor(c, { originId: `ERP-${c.id}` })), expect: { valid: true, applied: once(vendorsNamed) } },
  {
    name: 'vendor upsert by originId (/sync)',
    body: (c) => j(vendor(c, { operation: 'upsert', originId: `ERP-${c.id}` })),
    expect: { valid: true, applied: once(vendorsNamed) },
  },
  {
    name: 'vendor update by procoreId',
    body: (c) => j(vendor(c, { operation: 'update', procoreId: c.vendorId })),
    expect: { valid: true, applied: (marker) => vendorsNamed(marker) === 1 },
  },
  { name: 'RFI create (no origin_id in Procore)', body: (c) => j(rfi(c)), expect: { valid: true, applied: once(rfisWith) } },
  {
    name: 'RFI upsert by originId (origin map)',
    body: (c) => j(rfi(c, { operation: 'upsert', originId: `PM-${c.id}` })),
    expect: { valid: true, applied: once(rfisWith) },
  },
];

const HOSTILE: Kind[] = [
  { name: 'not JSON', body: (c) => `{"version":1,"id":"${c.id}",`, expect: { valid: false, errorClass: 'InvalidJson', reason: /not JSON/ } },
  {
    name: 'duplicate key',
    body: (c) => j(vendor(c)).replace('"companyId":', `"companyId":${c.companyId},"companyId":`),
    expect: { valid: false, errorClass: 'InvalidJson', reason: /duplicate key companyId/ },
  },
  {
    name: 'lone surrogate in originId',
    body: (c) => j(vendor(c, { originId: 'ERP-X' })).replace('"ERP-X"', '"ERP-\\ud800"'),
    expect: { valid: false, errorClass: 'InvalidJson', reason: /originId: a string holds a lone UTF-16 surrogate/ },
  },
  {
    name: 'procoreId written 1e3',
    body: (c) => j(vendor(c, { operation: 'update', procoreId: 777 })).replace('"procoreId":777', '"procoreId":7.77e2'),
    expect: { valid: false, errorClass: 'SchemaInvalid', reason: /procoreId: must be an integer written in plain digits/ },
  },
  {
    name: 'companyId beyond 2^53',
    body: (c) => j(vendor(c)).replace(/"companyId":\d+/, '"companyId":9007199254740993'),
    expect: { valid: false, errorClass: 'SchemaInvalid', reason: /companyId: must be at most 2\^53-1/ },
  },
  {
    name: 'data nested too deep',
    body: (c) => j(vendor(c)).replace(`"name":${j(c.marker)}`, `"name":${j(c.marker)},"deep":${'['.repeat(5000)}${']'.repeat(5000)}`),
    expect: { valid: false, errorClass: 'InvalidJson', reason: /nested deeper than 32 levels/ },
  },
  {
    name: 'data.id names another record',
    body: (c) => j(vendor(c, { operation: 'upsert', originId: `ERP-${c.id}`, data: { name: c.marker, id: c.vendorId } })),
    expect: { valid: false, errorClass: 'SchemaInvalid', reason: /data\.id: names a record while the message addresses one by originId/ },
  },
  {
    name: 'data.origin_id differs from originId',
    body: (c) => j(vendor(c, { originId: `ERP-${c.id}`, data: { name: c.marker, origin_id: 'ERP-OTHER' } })),
    expect: { valid: false, errorClass: 'SchemaInvalid', reason: /data\.origin_id: differs from originId/ },
  },
  {
    name: 'procoreId and originId name different records',
    body: (c) => j(vendor(c, { operation: 'update', procoreId: c.vendorId, originId: SEEDED_ORIGIN })),
    expect: { valid: false, errorClass: 'AddressConflict', reason: /name different vendors records/ },
  },
  {
    name: 'unknown resource',
    body: (c) => j(vendor(c, { resource: 'widgets' })),
    expect: { valid: false, errorClass: 'UnknownResource', reason: /resource: unknown resource "widgets"/ },
  },
  {
    name: 'RFI without projectId',
    body: (c) => j(rfi(c, { projectId: undefined })),
    expect: { valid: false, errorClass: 'SchemaInvalid', reason: /projectId: required/ },
  },
  {
    name: 'control characters in originId',
    body: (c) => j(vendor(c, { originId: 'ERP\u0000\u001b[31m' })),
    expect: { valid: false, errorClass: 'SchemaInvalid', reason: /originId: must not contain control characters/ },
  },
  {
    name: 'update of a vendor Procore lacks',
    body: (c) => j(vendor(c, { operation: 'update', procoreId: 4_000_000_000_000 })),
    expect: { valid: false, errorClass: 'ProcoreNotFound', reason: /404|not found/i },
  },
  {
    name: 'a 700 KiB body that is not JSON',
    body: (c) => `{"version":1,"id":"${c.id}","junk":"${'x'.repeat(700 * 1024)}`,
    expect: { valid: false, errorClass: 'InvalidJson', reason: /not JSON/ },
  },
];

const KINDS = new Map([...VALID, ...HOSTILE].map((k) => [k.name, k]));

interface Generated {
  /** A name in VALID or HOSTILE (names keep counterexamples readable). */
  kind: string;
  /** FIFO message group. */
  group: 'g1' | 'g2';
  /** Producer-set attributes pretending to be the connector's. */
  forged: boolean;
  /** The producer sends it twice. */
  twice: boolean;
}

const message = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constantFrom(...VALID.map((k) => k.name)), weight: 3 },
    { arbitrary: fc.constantFrom(...HOSTILE.map((k) => k.name)), weight: 2 },
  ),
  group: fc.constantFrom('g1' as const, 'g2' as const),
  forged: fc.boolean(),
  twice: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
});

const FORGED: Record<string, MessageAttributeValue> = {
  'connector.errorClass': { DataType: 'String', StringValue: 'NothingWrong' },
  'connector.httpStatus': { DataType: 'Number', StringValue: '200' },
  source: { DataType: 'String', StringValue: 'erp' },
};

// SQS's allowed characters (XML 1.0 Char): #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
const SQS_TEXT = /^(?:[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

let run = 0;

describe('push property: mixed batches of valid and hostile messages', () => {
  it('ends every message applied once or dead-lettered with its own reason, on standard and FIFO queues', async () => {
    const rfiManager = bench.sim.store.list('company_users', { companyId: bench.companyId })[0]!.id;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(message, { minLength: 1, maxLength: 6 }), async (fifo, generated) => {
        run += 1;
        const queue = fifo ? bench.fifo : bench.standard;
        const planned = generated.map((g: Generated, i) => {
          const id = `prop-${process.pid}-${run}-${i}`;
          const ctx: Ctx = {
            id,
            marker: `Property ${id}`,
            companyId: bench.companyId,
            projectId: bench.projectId,
            rfiManager,
            vendorId: seededVendors[1 + i]!,
          };
          const kind = KINDS.get(g.kind)!;
          return { g, kind, ctx, body: kind.body(ctx) };
        });
        const outgoing: OutgoingBody[] = planned.flatMap((p) => {
          const one: OutgoingBody = { body: p.body, groupId: p.g.group, ...(p.g.forged ? { attributes: FORGED } : {}) };
          return p.g.twice ? [one, one] : [one];
        });
        await queue.send(outgoing);
        await queue.drain();
        const letters = await queue.takeDeadLetters();

        for (const p of planned) {
          const mine = letters.filter((l) => l.Body === p.body);
          const expect_ = p.kind.expect;
          const label = `${p.kind.name} (${fifo ? 'FIFO' : 'standard'}, ${generated.length} messages)`;
          if (expect_.valid) {
            expect({ label, deadLettered: mine.map(reasonOf) }).toEqual({ label, deadLettered: [] });
            expect({ label, applied: expect_.applied(p.ctx.marker) }).toEqual({ label, applied: true });
          } else {
            expect({ label, letters: mine.length }).toEqual({ label, letters: p.g.twice ? 2 : 1 });
            for (const letter of mine) checkLetter(letter, expect_, label);
            expect({ label, written: vendorsNamed(p.ctx.marker) + rfisWith(p.ctx.marker) }).toEqual({ label, written: 0 });
          }
        }
        // Nothing reached the DLQ that was not sent as a hostile message.
        const hostileBodies = new Set(planned.filter((p) => !p.kind.expect.valid).map((p) => p.body));
        expect(letters.filter((l) => !hostileBodies.has(l.Body!)).map(reasonOf)).toEqual([]);
      }),
      { numRuns: Number(process.env.PUSH_PROPERTY_RUNS ?? 30), endOnFailure: true },
    );
  });
});

function reasonOf(letter: Message): string {
  const reason = readFailureAttributes(letter.MessageAttributes);
  return `${reason?.errorClass ?? '(no reason)'}: ${reason?.message ?? ''} [${(letter.Body ?? '').slice(0, 120)}]`;
}

function checkLetter(letter: Message, expected: Extract<Expect, { valid: false }>, label: string): void {
  const reason = readFailureAttributes(letter.MessageAttributes);
  expect({ label, errorClass: reason?.errorClass }).toEqual({ label, errorClass: expected.errorClass });
  expect({ label, reason: reason?.message }).toEqual({ label, reason: expect.stringMatching(expected.reason) });
  expect(Number(reason?.attempts)).toBeLessThanOrEqual(BENCH_MAX_ATTEMPTS);
  // Only the connector's reason: a producer's connector.* attributes never survive.
  const attributes = letter.MessageAttributes ?? {};
  expect(attributes[FAILURE_ATTRIBUTE_NAMES.errorClass]?.StringValue).not.toBe('NothingWrong');
  if (reason?.httpStatus === undefined) expect(attributes[FAILURE_ATTRIBUTE_NAMES.httpStatus]).toBeUndefined();
  for (const value of Object.values(attributes)) if (value.StringValue !== undefined) expect(value.StringValue).toMatch(SQS_TEXT);
}
