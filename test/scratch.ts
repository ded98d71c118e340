// Temporary directories for tests and their helpers, one place to make them. Under jest they live in the run's own
// directory (scratch-root.ts), which the global teardown removes; a process that made some removes them itself when
// it exits normally (jest's workers do not: they are killed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scratchRootVariable } from './scratch-root.ts';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory `<run directory or tmp>/<prefix>XXXXXX`, removed at process exit or the run's end. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(process.env[scratchRootVariable] ?? tmpdir(), prefix));
  made.push(dir);
  return dir;
}
