// Temporary directories for tests and their helpers, one place to make them, removed when the process that made them
// exits normally. Jest's workers do not exit that way at the end of a run (a full run still left about 200 of these
// directories), so removal on the workers' way out is still to do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory `<tmp>/<prefix>XXXXXX`, removed at process exit. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
