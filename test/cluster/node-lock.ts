import { existsSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ClusterError } from './errors.ts';
import { isAlive } from './processes.ts';
import { readState } from './state.ts';

/**
 * One real node per machine at a time. kube-proxy's iptables chains (KUBE-SERVICES, ...) and the kubelet's cgroups are
 * machine-wide names that two nodes would fight over, so clusters that want a real node take turns instead of each
 * getting one: the lock file names the run directory holding it, and a holder whose cluster is gone is taken over.
 */
export const realNodeLockFile = '/run/petstore-real-node.lock';

interface Holder {
  runDir: string;
  pid: number;
}

export async function acquireRealNodeLock(runDir: string, timeoutMs: number, log: (m: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reported = false;
  for (;;) {
    const holder = currentHolder();
    if (holder?.runDir === runDir) return;
    if (holder === undefined || stale(holder)) {
      if (holder) rmSync(realNodeLockFile, { force: true });
      try {
        const fd = openSync(realNodeLockFile, 'wx', 0o644);
        writeSync(fd, JSON.stringify({ runDir, pid: process.pid } satisfies Holder));
        closeSync(fd);
        return;
      } catch {
        continue; // another cluster took it first: look again
      }
    }
    if (Date.now() >= deadline) {
      throw new ClusterError(
        `the real node is in use by the cluster in ${holder.runDir} (lock ${realNodeLockFile}); ` +
          'one real node runs per machine: wait for that run to finish, or stop it with `npm run cluster -- down` in its checkout',
      );
    }
    if (!reported) log(`waiting for the real node held by ${holder.runDir} (one real node per machine)`);
    reported = true;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

export function releaseRealNodeLock(runDir: string): void {
  if (currentHolder()?.runDir === runDir) rmSync(realNodeLockFile, { force: true });
}

function currentHolder(): Holder | undefined {
  try {
    return JSON.parse(readFileSync(realNodeLockFile, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** A holder whose run directory is gone, or whose owning test run died, no longer has a node. */
function stale(holder: Holder): boolean {
  if (!existsSync(holder.runDir)) return true;
  const owner = readState(holder.runDir)?.ownerPid;
  return owner !== undefined && !isAlive(owner);
}
