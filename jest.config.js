// Every workspace's tests in one run. ESM throughout: run through `npm test` or `npm run jest` (--experimental-vm-modules).
// Naming decides where a test runs:
//   *.cluster.test.ts  needs the local Kubernetes cluster (and moto); started once per run by test/cluster's global setup
//   *.test.ts          everything else (the API project starts PostgreSQL in its own global setup)
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2024', parser: { syntax: 'typescript' } } }] };
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.cluster\\.test\\.ts$'],
};

/** @type {import('jest').Config} */
export default {
  testTimeout: 60_000,
  // One temporary directory per run for test/scratch.ts, removed when the run ends.
  globalSetup: '<rootDir>/test/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/jest-global-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'api',
      roots: ['<rootDir>/api'],
      globalSetup: '<rootDir>/api/test/postgres/global-setup.ts',
      globalTeardown: '<rootDir>/api/test/postgres/global-teardown.ts',
    },
    { ...common, displayName: 'operator', roots: ['<rootDir>/operator'] },
    { ...common, displayName: 'repo', roots: ['<rootDir>/test', '<rootDir>/bench'] },
    {
      ...common,
      displayName: 'cluster',
      roots: ['<rootDir>/operator', '<rootDir>/test'],
      testMatch: ['**/*.cluster.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      globalSetup: '<rootDir>/test/cluster/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/cluster/jest-global-teardown.ts',
    },
  ],
};
