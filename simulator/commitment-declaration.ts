// Procore's commitments (work order contracts, purchase order contracts) are served alike: one
// helper so each declaration states only its collection, wrapper and records. Purchase order
// contracts (financial-resources.ts) can take it too.
import type { Declaration } from './resources';
import { recordRoutes, routes, syncRoutes } from './resource-routes';

/**
 * A commitment at `/rest/v1.0/<collection>`: records with delete and batch upsert (`/sync`),
 * project_id beside the wrapper, a required title, field-map errors, origin fields, and deleted
 * records listed with `filters[include_deleted]`.
 */
export function commitmentDeclaration(collection: string, wrapperKey: string, fake: Declaration['fake']): Declaration {
  const path = `/rest/v1.0/${collection}`;
  return {
    scope: 'project',
    wrapperKey,
    routes: [...recordRoutes([path]), ...routes('delete', 'DELETE', [`${path}/{id}`]), ...syncRoutes([path])],
    scopeParam: 'project_id',
    required: ['title'],
    errorShape: 'field-map',
    originId: true,
    removal: 'include-deleted',
    fake,
  };
}
