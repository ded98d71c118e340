// Jest's root global setup and teardown (jest.config.js): one directory per run under the system's temporary
// directory, which test/scratch.ts makes its directories in, removed with everything in it when the run ends. Jest's
// workers are killed at the end of a run rather than exiting, so their own exit cleanup cannot be relied on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const scratchRootVariable = 'PETSTORE_TEST_SCRATCH';

/** Global setup: makes the run's directory; the workers, started after this, inherit the variable that names it. */
export function makeScratchRoot(): void {
  process.env[scratchRootVariable] = mkdtempSync(path.join(tmpdir(), 'petstore-test-run-'));
}

/** Global teardown: removes the run's directory. */
export function removeScratchRoot(): void {
  const root = process.env[scratchRootVariable];
  if (root) rmSync(root, { recursive: true, force: true });
}
