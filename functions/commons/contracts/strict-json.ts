// Strict JSON for inputs the connector must not guess about. JSON.parse accepts texts whose meaning
// is ambiguous: a key given twice (the last one silently wins), strings holding lone UTF-16
// surrogates (no character at all), nesting so deep that later steps (JSON.stringify, idempotency
// hashing) overflow the stack. I-JSON (RFC 7493) forbids the first two: "Objects in I-JSON messages
// MUST NOT have members with duplicate names" (2.3) and strings "MUST NOT include code points that
// identify Surrogates or Noncharacters" (2.1). This checker refuses those and texts nested deeper
// than a limit, names where, and hands back the raw text of the numbers a caller asks for (so an id
// written 1e3 or 1.0 can be refused instead of read as 1000 or 1). It scans without recursion, so
// no input can overflow the stack, and its messages never quote the input's values.

/** A location in the document: keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

export type StrictJsonResult =
  | { ok: true; value: unknown; numbers: Map<string, string> }
  | { ok: false; problem: 'syntax' | 'duplicate-key' | 'ill-formed-unicode' | 'too-deep'; message: string };

export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays allowed (the root object is depth 1). */
  maxDepth: number;
  /** Paths (pathKey form, e.g. "data.id") whose number tokens are returned as written. */
  keepNumbersAt?: ReadonlySet<string>;
}

/** "data.items[2].name"-style text for a path; odd keys are JSON-quoted and long ones shortened. */
export function describePath(path: JsonPath): string {
  if (path.length === 0) return '(message)';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      const shown = part.length > 40 ? `${part.slice(0, 40)}…` : part;
      const name = /^[A-Za-z_$][\w$]*$/.test(shown) ? shown : JSON.stringify(shown);
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

/** The key `keepNumbersAt` matches: keys joined with dots, indexes as [n]. */
function pathKey(path: JsonPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  /** The current member's key (object) or index (array). */
  at: string | number | undefined;
}

class Refusal extends Error {
  constructor(
    readonly problem: 'syntax' | 'duplicate-key' | 'ill-formed-unicode' | 'too-deep',
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

export function parseStrictJson(text: string, options: StrictJsonOptions): StrictJsonResult {
  try {
    const numbers = scan(text, options);
    return { ok: true, value: JSON.parse(text), numbers };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem, message: error.message };
    // The scan accepts only JSON; should JSON.parse still disagree, say so without its message (it quotes the input).
    if (error instanceof SyntaxError) return { ok: false, problem: 'syntax', message: 'not valid JSON' };
    throw error;
  }
}

/** Walks the text once, checking what JSON.parse would let through; returns the kept numbers. */
function scan(text: string, options: StrictJsonOptions): Map<string, string> {
  const numbers = new Map<string, string>();
  const stack: Frame[] = [];
  const path = () => stack.map((f) => f.at).filter((p): p is string | number => p !== undefined);
  let i = skipSpace(text, 0);
  const syntax = (what: string): never => {
    throw new Refusal('syntax', `${what} at offset ${i}${stack.length ? ` (in ${describePath(path())})` : ''}`);
  };
  let expectValue = true;
  for (;;) {
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        const frame: Frame = { kind: c === '{' ? 'object' : 'array', keys: new Set(), at: undefined };
        stack.push(frame);
        if (stack.length > options.maxDepth) {
          throw new Refusal('too-deep', `nested deeper than ${options.maxDepth} levels at ${describePath(path())}`);
        }
        i = skipSpace(text, i + 1);
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i += 1;
          expectValue = false;
        } else if (frame.kind === 'object') {
          i = readKey(text, i, frame, path, syntax);
        } else {
          frame.at = 0;
        }
        continue;
      }
      if (c === '"') {
        i = readString(text, i, path(), syntax).end;
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const match = NUMBER.exec(text) ?? syntax('malformed number');
        if (options.keepNumbersAt?.has(pathKey(path()))) numbers.set(pathKey(path()), match[0]);
        i += match[0].length;
      } else {
        LITERAL.lastIndex = i;
        const match = LITERAL.exec(text) ?? syntax(c === undefined ? 'unexpected end' : 'unexpected character');
        i += match[0].length;
      }
      expectValue = false;
      i = skipSpace(text, i);
      continue;
    }
    // After a value: the end of the text, or a comma or closing bracket of the enclosing frame.
    const frame = stack[stack.length - 1];
    if (!frame) {
      if (i !== text.length) syntax('unexpected text after the value');
      return numbers;
    }
    const c = text[i];
    if (c === ',') {
      i = skipSpace(text, i + 1);
      if (frame.kind === 'object') i = readKey(text, i, frame, path, syntax);
      else frame.at = (frame.at as number) + 1;
      expectValue = true;
    } else if (c === (frame.kind === 'object' ? '}' : ']')) {
      stack.pop();
      i = skipSpace(text, i + 1);
    } else {
      syntax(c === undefined ? 'unexpected end' : 'unexpected character');
    }
  }
}

/** Reads `"key" :` of an object member, refusing a key the object already has. */
function readKey(text: string, start: number, frame: Frame, path: () => (string | number)[], syntax: (what: string) => never): number {
  if (text[start] !== '"') return syntax('expected a key');
  frame.at = undefined;
  const { end, value } = readString(text, start, path(), syntax);
  if (frame.keys.has(value)) {
    throw new Refusal('duplicate-key', `duplicate key ${describePath([value])} in ${describePath(path())}`);
  }
  frame.keys.add(value);
  frame.at = value;
  const colon = skipSpace(text, end);
  if (text[colon] !== ':') return syntax('expected ":"');
  return skipSpace(text, colon + 1);
}

/** Reads a string token; its decoded value must be well-formed UTF-16 (no lone surrogates). */
function readString(text: string, start: number, at: (string | number)[], syntax: (what: string) => never): { end: number; value: string } {
  let i = start + 1;
  for (;;) {
    const code = text.charCodeAt(i);
    if (Number.isNaN(code)) return syntax('unterminated string');
    if (code === 0x22) break;
    if (code < 0x20) return syntax('raw control character in a string');
    i += code === 0x5c ? 2 : 1;
  }
  let value: string;
  try {
    value = JSON.parse(text.slice(start, i + 1)) as string;
  } catch {
    return syntax('malformed escape in a string');
  }
  if (!value.isWellFormed()) {
    throw new Refusal('ill-formed-unicode', `${describePath(at)}: a string holds a lone UTF-16 surrogate (ill-formed Unicode)`);
  }
  return { end: i + 1, value };
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i += 1;
    else return i;
  }
}
