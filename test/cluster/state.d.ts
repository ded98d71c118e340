import type { Binaries } from './binaries.ts';
import type { ControlPlane } from './control-plane.ts';
import type { Moto } from './moto.ts';
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
    /** Set once every component answered; a state file without it belongs to a start that has not finished. */
    ready: boolean;
}
/** Names the state file of a test run's cluster; the jest global setup sets it for every test worker. */
export declare const stateEnvVar = "PETSTORE_CLUSTER_STATE";
/** The run directory of this checkout's long-lived cluster: `up` twice finds the same one. */
export declare function checkoutRunDir(): string;
/** A new, empty run directory for one test run. */
export declare function newRunDir(): string;
export declare function isRunDir(dir: string): boolean;
export declare function readState(runDir: string): ClusterState | undefined;
export declare function writeState(state: ClusterState): void;
export declare function statePath(runDir: string): string;
/** Run directories of test runs whose owner process has exited (killed, or interrupted before its teardown). */
export declare function orphanedRunDirs(isAlive: (pid: number) => boolean): string[];
