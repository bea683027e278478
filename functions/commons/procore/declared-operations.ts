// What Procore declares, read from the operations file (docs/procore-endpoints.tsv): per operation
// its method, path template, the query parameters it declares and the body content types it takes.
// The one reader of that file: the simulator, `cdk synth` (resources declared in the stage config,
// resources/operation-check.ts) and the tests use it. Not bundled into any function.
// The simulator accepts a request only as far as it is declared there, never from what the
// connector's registry assumes: an undeclared method or path is 404, an undeclared query parameter
// 400 (a strict reading: Procore ignores it at best), a body type the operation does not take 415.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DeclaredOperation {
  method: string;
  /** Template as published, e.g. `/rest/v1.0/projects/{project_id}/rfis/{id}`. */
  path: string;
  summary: string;
  queryParams: ReadonlySet<string>;
  /** Media types, e.g. `application/json`, `multipart/form-data`; empty: the operation takes no body. */
  bodyContentTypes: ReadonlySet<string>;
}

export interface RequestShape {
  method: string;
  /** Concrete path under the API host, e.g. `/rest/v1.0/projects/42/rfis`. */
  path: string;
  /** Names of the query parameters sent (repeated names once). */
  queryParams: Iterable<string>;
  /** The body's media type (without parameters); undefined when no body is sent. */
  contentType?: string;
}

export type Refusal = { status: 404; reason: string } | { status: 400; reason: string; undeclared: string[] } | { status: 415; reason: string };

const OPERATIONS_FILE = path.resolve(__dirname, '../../../docs/procore-endpoints.tsv');

interface CompiledOperation extends DeclaredOperation {
  regex: RegExp;
  /** Literal characters in the template: the most literal match wins (`rfis/recycle_bin` over `rfis/{id}`). */
  literalLength: number;
}

const split = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Parses the operations file: `#` comment lines, a header line, then one operation per line. */
export function parseOperations(text: string): DeclaredOperation[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const [header, ...rows] = lines;
  const columns = (header ?? '').split('\t');
  const at = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`operations file: no ${name} column in its header`);
    return index;
  };
  const col = { method: at('method'), path: at('path'), summary: at('summary'), query: at('query_params'), body: at('body_content_types') };
  return rows.map((row) => {
    const cells = row.split('\t');
    return {
      method: cells[col.method]!.toUpperCase(),
      path: cells[col.path]!,
      summary: cells[col.summary] ?? '',
      queryParams: new Set(split(cells[col.query])),
      bodyContentTypes: new Set(split(cells[col.body]).map((t) => t.toLowerCase())),
    };
  });
}

/** `{id}` and `{..._id}` are Procore's integer ids (v2's string ids are digits too); other names any segment. */
function parameterPattern(name: string): string {
  return name === '{id}' || name.endsWith('_id}') ? '(\\d+)' : '([^/]+?)';
}

function compile(operation: DeclaredOperation): CompiledOperation {
  const pattern = operation.path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? parameterPattern(part) : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return { ...operation, regex: new RegExp(`^${pattern}$`), literalLength: operation.path.replace(/\{[^}]+\}/g, '').length };
}

export class DeclaredOperations {
  private readonly byMethod = new Map<string, CompiledOperation[]>();
  readonly all: readonly DeclaredOperation[];

  constructor(operations: DeclaredOperation[]) {
    this.all = operations;
    for (const operation of operations.map(compile)) {
      const list = this.byMethod.get(operation.method) ?? [];
      list.push(operation);
      this.byMethod.set(operation.method, list);
    }
  }

  static fromFile(file = OPERATIONS_FILE): DeclaredOperations {
    return new DeclaredOperations(parseOperations(readFileSync(file, 'utf8')));
  }

  /** The operation a concrete method and path is, or undefined when none is declared. */
  match(method: string, concretePath: string): DeclaredOperation | undefined {
    let best: CompiledOperation | undefined;
    for (const operation of this.byMethod.get(method.toUpperCase()) ?? []) {
      if (operation.regex.test(concretePath) && (!best || operation.literalLength > best.literalLength)) best = operation;
    }
    return best;
  }

  /** Why Procore's declarations refuse this request, or undefined when it is a declared one. */
  check(request: RequestShape): Refusal | undefined {
    const operation = this.match(request.method, request.path);
    if (!operation) {
      return { status: 404, reason: `${request.method} ${request.path} is not a declared Procore operation` };
    }
    const label = `${operation.method} ${operation.path}`;
    const undeclared = [...new Set(request.queryParams)].filter((name) => !operation.queryParams.has(name));
    if (undeclared.length > 0) {
      const declared = operation.queryParams.size > 0 ? [...operation.queryParams].join(', ') : 'none';
      return {
        status: 400,
        undeclared,
        reason: `${label} does not declare the query parameter${undeclared.length > 1 ? 's' : ''} ${undeclared.join(', ')} (declared: ${declared})`,
      };
    }
    if (request.contentType !== undefined) {
      const type = request.contentType.split(';')[0]!.trim().toLowerCase();
      if (!operation.bodyContentTypes.has(type)) {
        const accepted = operation.bodyContentTypes.size > 0 ? [...operation.bodyContentTypes].join(' or ') : 'no body';
        return { status: 415, reason: `${label} takes ${accepted}, not ${type || '(no content type)'}` };
      }
    }
    return undefined;
  }
}

let shared: DeclaredOperations | undefined;

/** The operations file, read once per process. */
export function declaredOperations(): DeclaredOperations {
  shared ??= DeclaredOperations.fromFile();
  return shared;
}
