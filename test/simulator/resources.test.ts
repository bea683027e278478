import { DeclaredOperations, RESOURCES } from '../../simulator';

// The simulator must serve Procore's real paths: every route it declares is a published operation,
// and what its records carry agrees with what the list operation declares.
describe('simulator resource routes', () => {
  const operations = DeclaredOperations.fromFile();
  const declared = (method: string, template: string) => operations.all.find((o) => o.method === method && o.path === template);

  for (const def of Object.values(RESOURCES)) {
    it(`${def.name}: every route is in docs/procore-endpoints.tsv`, () => {
      const missing = def.routes.map((r) => `${r.method} ${r.path}`).filter((op) => !declared(op.split(' ')[0]!, op.split(' ')[1]!));
      expect(missing).toEqual([]);
    });

    it(`${def.name}: records carry deleted_at exactly where a list declares filters[include_deleted]`, () => {
      const lists = def.routes.filter((r) => r.action === 'list').map((r) => declared(r.method, r.path)!);
      expect(def.includeDeleted).toBe(lists.some((list) => list.queryParams.has('filters[include_deleted]')));
    });
  }
});
