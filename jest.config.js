// Every workspace's tests in one run. ESM throughout: run through `npm run jest` (adds --experimental-vm-modules).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2024', parser: { syntax: 'typescript' } } }] };
const common = { transform, extensionsToTreatAsEsm: ['.ts'], testEnvironment: 'node' };

/** @type {import('jest').Config} */
export default {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'api', roots: ['<rootDir>/api'] },
    { ...common, displayName: 'operator', roots: ['<rootDir>/operator'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'] },
  ],
};
