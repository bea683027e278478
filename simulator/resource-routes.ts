// Route helpers of the simulated resources' declarations (resources.ts, financial-resources.ts).
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
