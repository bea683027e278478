// origin_id is the upstream system's key, never the connector's (Procore's ERP tools read a record
// with an origin_id as already synced to an ERP: /work/shared/PROCORE.md, "origin_id"). This audit
// reads a run's request log and names every Procore write (create, update, /sync; JSON or multipart;
// the wrapper, `updates[]` items or any deeper level) carrying an origin_id that no push message of
// that resource sent in the run carried. A write carrying none is fine. Used by the push test
// harnesses, `npm start`, the push bench and the push chaos scenario.
import { restRouteOf } from './rest';
import { RESOURCES } from './resources';
import type { LoggedRequest } from './server';

/** Per resource, the origin ids the run's push messages carried (`originId`, or `origin_id` anywhere in `data`). */
export type SentOriginIds = Map<string, Set<string>>;

/** One origin_id found in a write request's body. */
export interface ForeignOriginId {
  /** Position of the request in the log it was read from. */
  request: number;
  method: string;
  path: string;
  status: number;
  /** The resource the path is routed to (the path itself when it routes to none). */
  resource: string;
  /** Where in the body, e.g. `vendor.origin_id` or `updates[3].origin_id`. */
  field: string;
  originId: string;
}

export interface OriginIdAudit {
  /** Procore write requests read (POST/PATCH/PUT under /api/rest). */
  writesChecked: number;
  /** Each origin_id no message of its resource carried. */
  foreign: ForeignOriginId[];
}

const API_PREFIX = '/api';

/**
 * The origin ids push messages carried, per resource. A body is a message object or its JSON text;
 * one that is not JSON or names no resource (bad-input samples) carries none.
 */
export function originIdsOfMessages(bodies: Iterable<unknown>, into: SentOriginIds = new Map()): SentOriginIds {
  for (const body of bodies) {
    const message = typeof body === 'string' ? parseJson(body) : body;
    if (!isObject(message) || typeof message.resource !== 'string') continue;
    const ids = into.get(message.resource) ?? new Set<string>();
    const originId = originIdValue(message.originId);
    if (originId !== undefined) ids.add(originId);
    for (const found of originIdsIn(message.data, 'data')) ids.add(found.originId);
    into.set(message.resource, ids);
  }
  return into;
}

/** Every Procore write in `log` and each origin_id among them that `sent` does not hold for its resource. */
export function auditOriginIds(log: readonly LoggedRequest[], sent: SentOriginIds): OriginIdAudit {
  let writesChecked = 0;
  const foreign: ForeignOriginId[] = [];
  log.forEach((entry, request) => {
    if (!isProcoreWrite(entry)) return;
    writesChecked += 1;
    const apiPath = entry.path.slice(API_PREFIX.length);
    const resource = restRouteOf(entry.method, apiPath)?.resource ?? entry.path;
    const writers = [resource, ...(RESOURCES[resource]?.writtenAs ?? [])];
    const allowed = new Set(writers.flatMap((name) => [...(sent.get(name) ?? [])]));
    for (const { field, originId } of originIdsIn(entry.body, '')) {
      if (allowed.has(originId)) continue;
      foreign.push({ request, method: entry.method, path: entry.path, status: entry.status, resource, field, originId });
    }
  });
  return { writesChecked, foreign };
}

/** The request named, for a failure message: `PATCH /api/rest/v1.0/vendors/sync (request 12, answered 200): updates[3].origin_id "push:m-1" ...`. */
export function describeForeignOriginId(f: ForeignOriginId): string {
  const answered = f.status === 0 ? 'no answer' : `answered ${f.status}`;
  return `${f.method} ${f.path} (request ${f.request}, ${answered}): ${f.field} ${JSON.stringify(f.originId)} is the originId of no ${f.resource} message sent in this run`;
}

/** The one-line result every run prints, naming the first offending requests. */
export function originIdAuditLine(audit: OriginIdAudit, show = 3): string {
  const head = `origin_id not from a message: ${audit.foreign.length} (${audit.writesChecked} Procore write request(s) checked)`;
  const named = audit.foreign.slice(0, show).map((f) => `\n  ${describeForeignOriginId(f)}`);
  const more = audit.foreign.length > show ? `\n  ... and ${audit.foreign.length - show} more` : '';
  return head + named.join('') + more;
}

function isProcoreWrite(entry: LoggedRequest): boolean {
  return entry.path.startsWith(`${API_PREFIX}/rest/`) && (entry.method === 'POST' || entry.method === 'PATCH' || entry.method === 'PUT');
}

/** A place in a parsed body: its value and how it was reached (the path is spelled out only for a find). */
interface Place {
  value: unknown;
  key: string | number;
  parent?: Place;
}

/**
 * Every non-empty `origin_id` at any depth of a parsed body (objects and arrays), with where it was.
 * A walk with its own stack: a hostile message may nest deeper than the call stack goes.
 */
function originIdsIn(value: unknown, root: string): { field: string; originId: string }[] {
  const found: { field: string; originId: string }[] = [];
  const queue: Place[] = [{ value, key: root }];
  for (let i = 0; i < queue.length; i++) {
    const place = queue[i]!;
    if (Array.isArray(place.value)) {
      for (const [index, item] of place.value.entries()) queue.push({ value: item, key: index, parent: place });
    }
    if (!isObject(place.value)) continue;
    for (const [key, inner] of Object.entries(place.value)) {
      const child: Place = { value: inner, key, parent: place };
      if (key !== 'origin_id') queue.push(child);
      else {
        const originId = originIdValue(inner);
        if (originId !== undefined) found.push({ field: fieldOf(child), originId });
      }
    }
  }
  return found;
}

/** `updates[3].origin_id` from the chain of places. */
function fieldOf(place: Place): string {
  const keys: (string | number)[] = [];
  for (let p: Place | undefined = place; p !== undefined; p = p.parent) keys.unshift(p.key);
  return keys.reduce<string>((field, key) => {
    if (typeof key === 'number') return `${field}[${key}]`;
    if (key === '') return field;
    return field === '' ? key : `${field}.${key}`;
  }, '');
}

/** An origin_id as text (multipart sends every value as a string); null or empty means none. */
function originIdValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || value === undefined ? undefined : JSON.stringify(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
