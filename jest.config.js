// Tests run on the project-pinned Node 24 (npm puts node_modules/.bin first on PATH).
// @swc/jest strips types only (type-checking is `npm run typecheck`); it also turns the
// ESM-only Middy 7 packages into CommonJS, which Jest's module system needs.
//
// Three tiers, one Jest project each (test/support/test-tiers.js says which file is where):
//   npm run test:unit          jest --selectProjects unit          no moto, no simulator
//   npm run test:integration   jest --selectProjects integration   moto + simulator
//   npm run test:e2e           jest --selectProjects e2e           deploy, npm start, chaos, full pull
// `npx jest` (as `npm test` runs it) runs all three with one closing summary line.
const path = require('node:path');
const { UNIT, E2E } = require('./test/support/test-tiers');

// testRegex and testPathIgnorePatterns see absolute paths (and do not expand <rootDir>).
const escapeRegex = (file) => path.join(__dirname, file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (files) => files.map((file) => `^${escapeRegex(file)}$`);

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  // Middy 7 publishes only an "import" export condition; point Jest's resolver at its files.
  moduleNameMapper: {
    '^@middy/core$': '<rootDir>/node_modules/@middy/core/index.js',
    '^@middy/core/(.*)$': '<rootDir>/node_modules/@middy/core/$1.js',
    '^@middy/util$': '<rootDir>/node_modules/@middy/util/index.js',
  },
};

// One moto per run, started by whichever of these projects runs first (the setup is idempotent).
const withMoto = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testRegex: exactly(UNIT), setupFiles: ['<rootDir>/test/support/unit-environment.js'] },
    {
      ...shared,
      ...withMoto,
      displayName: 'integration',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...exactly([...UNIT, ...E2E])],
    },
    { ...shared, ...withMoto, displayName: 'e2e', testRegex: exactly(E2E) },
  ],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 30000,
};
