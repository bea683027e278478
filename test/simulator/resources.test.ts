import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RESOURCES } from '../../simulator';

// The simulator must serve Procore's real paths: every route it declares is a published operation.
describe('simulator resource routes', () => {
  const published = new Set(
    readFileSync(path.join(__dirname, '../../docs/procore-endpoints.tsv'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const [, method, route] = line.split('\t');
        return `${method} ${route}`;
      }),
  );

  for (const def of Object.values(RESOURCES)) {
    it(`${def.name}: every route is in docs/procore-endpoints.tsv`, () => {
      const missing = def.routes.map((r) => `${r.method} ${r.path}`).filter((op) => !published.has(op));
      expect(missing).toEqual([]);
    });
  }
});
