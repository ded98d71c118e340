import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Binaries } from './binaries.ts';
import type { ControlPlane } from './control-plane.ts';
import type { Moto } from './moto.ts';
import type { RealNode } from './real-node.ts';

/**
 * Everything a client needs to use a running cluster, kept in `<runDir>/state.json`: the CLI, the jest setup and the
 * test fixtures all read it. A run directory holds the kubeconfig, the component logs, the audit log and moto's log.
 */
export interface ClusterState {
  runDir: string;
  /** The process whose exit ends this cluster (a jest run); absent for `npm run cluster -- up`, which lives until `down`. */
  ownerPid?: number;
  kubeconfig: string;
  /** Holds kubectl and helm only, for PATH. */
  binDir?: string;
  binaries?: Binaries;
  /** Absent when KUBECONFIG named a cluster we did not start (kind, EKS). */
  controlPlane?: ControlPlane;
  moto?: Moto;
  /** The real node (kubelet, containerd, CNI, kube-proxy, CoreDNS, metrics-server), when one was asked for. */
  realNode?: RealNode;
  /** Set once every component answered; a state file without it belongs to a start that has not finished. */
  ready: boolean;
}

/** Names the state file of a test run's cluster; the jest global setup sets it for every test worker. */
export const stateEnvVar = 'PETSTORE_CLUSTER_STATE';

const prefix = 'petstore-cluster-';
const stateFile = 'state.json';
const checkout = fileURLToPath(new URL('../..', import.meta.url));

/** The run directory of this checkout's long-lived cluster: `up` twice finds the same one. */
export function checkoutRunDir(): string {
  const id = createHash('sha256').update(checkout).digest('hex').slice(0, 8);
  return join(tmpdir(), `${prefix}${id}`);
}

/** A new, empty run directory for one test run. */
export function newRunDir(): string {
  return mkdtempSync(join(tmpdir(), `${prefix}run-`));
}

export function isRunDir(dir: string): boolean {
  return basename(dir).startsWith(prefix);
}

export function readState(runDir: string): ClusterState | undefined {
  const file = join(runDir, stateFile);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

export function writeState(state: ClusterState): void {
  writeFileSync(join(state.runDir, stateFile), `${JSON.stringify(state, null, 2)}\n`);
}

export function statePath(runDir: string): string {
  return join(runDir, stateFile);
}

/** Run directories of test runs whose owner process has exited (killed, or interrupted before its teardown). */
export function orphanedRunDirs(isAlive: (pid: number) => boolean): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      try {
        const owner = readState(dir)?.ownerPid;
        return owner !== undefined && !isAlive(owner);
      } catch {
        return false;
      }
    });
}
