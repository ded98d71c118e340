/** Jest global teardown of the "cluster" project: stops what the global setup started, leaving no process behind. */
import { down } from './cluster.ts';
import { startedRunDir } from './jest-global-setup.ts';

export default async function globalTeardown(): Promise<void> {
  const runDir = (globalThis as Record<symbol, unknown>)[startedRunDir];
  if (typeof runDir === 'string') await down(runDir);
}
