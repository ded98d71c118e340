import type { Binaries } from './binaries.ts';
/**
 * The Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, run as local
 * processes by kwokctl's binary runtime from our own binaries. kwokctl generates the PKI and kubeconfigs, writes
 * kwok's default (fast) node and pod stages, and records one pid file and one log file per component.
 */
export interface ControlPlane {
    /** kwokctl's cluster name; its files live in `<runDir>/clusters/<name>/`. */
    name: string;
    runDir: string;
    kubeconfig: string;
    server: string;
    /** JSON lines, one audit event (metadata: user, verb, resource, response code) per request. */
    auditLog: string;
    logsDir: string;
    kwokctl: string;
    kubectl: string;
}
/**
 * Chooses free loopback ports and writes kwokctl's configuration for a new control plane in `runDir`; nothing runs
 * yet, so the caller can record the result before any process exists (and clean up after a failed start).
 */
export declare function planControlPlane(runDir: string, binaries: Binaries): Promise<ControlPlane>;
/** Creates and starts a planned control plane; resolves once the API server is ready. */
export declare function createControlPlane(controlPlane: ControlPlane): Promise<void>;
/** Starts whatever components of an existing control plane are not running (after a reboot, or a stopped API server). */
export declare function startControlPlane(controlPlane: ControlPlane): Promise<void>;
/** Stops every component and deletes the cluster's files; resolves once no component process is left. */
export declare function deleteControlPlane(controlPlane: ControlPlane): Promise<void>;
/**
 * Stops the API server gracefully (SIGTERM: it closes its watches and exits; SIGKILL after 10 s) and starts it again
 * on the same port and etcd data, while the other components keep running.
 */
export declare function restartApiServer(controlPlane: ControlPlane): Promise<void>;
/** Whether every component process is alive and the API server answers /readyz. */
export declare function controlPlaneHealthy(controlPlane: ControlPlane): Promise<boolean>;
/** The last `lines` lines of a component's log (kube-apiserver, etcd, ...), for failure reports. */
export declare function componentLogTail(controlPlane: ControlPlane, component: string, lines?: number): string;
