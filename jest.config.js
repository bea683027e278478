// Tests run on the project-pinned Node 24 (npm puts node_modules/.bin first on PATH).
// @swc/jest strips types only (type-checking is `npm run typecheck`); it also turns the
// ESM-only Middy 7 packages into CommonJS, which Jest's module system needs.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  // Middy 7 publishes only an "import" export condition; point Jest's resolver at its files.
  moduleNameMapper: {
    '^@middy/core$': '<rootDir>/node_modules/@middy/core/index.js',
    '^@middy/core/(.*)$': '<rootDir>/node_modules/@middy/core/$1.js',
    '^@middy/util$': '<rootDir>/node_modules/@middy/util/index.js',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 30000,
};
