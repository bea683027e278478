// Route helpers of the simulated resources' declarations (resources.ts, financial-resources.ts,
// generic-resources.ts).
import { declaredOperations, type DeclaredOperations } from '../functions/commons/procore/declared-operations';
import type { Action, RouteSpec } from './resources';

export function routes(action: Action, method: RouteSpec['method'], paths: string[]): RouteSpec[] {
  return paths.map((path) => ({ method, path, action }));
}

/** List and create at each collection path; show and update at `<collection>/{id}`. */
export function recordRoutes(collections: string[]): RouteSpec[] {
  const records = collections.map((collection) => `${collection}/{id}`);
  return [
    ...routes('list', 'GET', collections),
    ...routes('show', 'GET', records),
    ...routes('create', 'POST', collections),
    ...routes('update', 'PATCH', records),
  ];
}

/** Procore's batch upsert (`PATCH <collection>/sync`) at each collection path. */
export function syncRoutes(collections: string[]): RouteSpec[] {
  return routes(
    'sync',
    'PATCH',
    collections.map((collection) => `${collection}/sync`),
  );
}

/** The origin fields of a record created without them (resources with `originId`). */
export const NO_ORIGIN = { origin_id: null, origin_data: null, origin_code: null };

/**
 * The routes Procore's operations file declares at a collection, read from the file and never from
 * the connector: list and create at it, show, update and delete at `<collection>/{id}`, the batch
 * upsert at `<collection>/sync` with its declared verb (PATCH on most, POST on budget line items).
 * `only` keeps some actions (a collection whose other operations another version serves).
 */
export function declaredRoutes(collection: string, only?: readonly Action[], operations: DeclaredOperations = declaredOperations()): RouteSpec[] {
  const record = `${collection}/{id}`;
  const candidates: RouteSpec[] = [
    { method: 'GET', path: collection, action: 'list' },
    { method: 'POST', path: collection, action: 'create' },
    { method: 'GET', path: record, action: 'show' },
    { method: 'PATCH', path: record, action: 'update' },
    { method: 'DELETE', path: record, action: 'delete' },
    { method: 'PATCH', path: `${collection}/sync`, action: 'sync' },
    { method: 'POST', path: `${collection}/sync`, action: 'sync' },
  ];
  const declared = (route: RouteSpec) => operations.all.some((op) => op.method === route.method && op.path === route.path);
  return candidates.filter((route) => (only === undefined || only.includes(route.action)) && declared(route));
}
