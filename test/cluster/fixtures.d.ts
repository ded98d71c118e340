import { KubeConfig } from '@kubernetes/client-node';
import { type ClusterState } from './state.ts';
import { waitFor } from './wait.ts';
export { waitFor };
/** The run's cluster, as the global setup recorded it. */
export declare function cluster(): ClusterState;
/** A fresh KubeConfig for the cluster (admin credentials; current context set). */
export declare function kubeConfig(): KubeConfig;
/** Runs kubectl against the cluster and resolves with its stdout; rejects with its stderr. */
export declare function kubectl(args: readonly string[], options?: {
    input?: string;
}): Promise<string>;
/** Runs helm against the cluster and resolves with its stdout; rejects with its stderr. */
export declare function helm(args: readonly string[], options?: {
    input?: string;
}): Promise<string>;
/** AWS_ENDPOINT_URL, AWS_REGION and dummy credentials that point an AWS SDK client (or the operator) at moto. */
export declare function awsEnv(): Record<string, string>;
/** moto's endpoint and the network created in it (VPC, one subnet per zone, DB subnet group, security group). */
export declare function aws(): NonNullable<ClusterState['moto']>;
/** The API server's audit log: one JSON object per request with user, verb, objectRef and responseStatus. */
export declare function auditLogPath(): string;
/**
 * Stops kube-apiserver and starts it again on the same port and data; etcd, the controllers, kwok and moto keep
 * running. Every test file of the run sees the outage, so keep such tests few and make other files tolerate it.
 */
export declare function restartApiServer(): Promise<void>;
/** Pod Security Admission labels that make a namespace enforce (and warn about) `level`. */
export declare function podSecurity(level: 'privileged' | 'baseline' | 'restricted'): Record<string, string>;
/** Adds a log file (an operator's, say) to what this test file prints when one of its tests fails. */
export declare function registerLogFile(path: string, label?: string): void;
export interface Namespace {
    /** Available from beforeAll on. */
    readonly name: string;
}
/**
 * Gives the calling test file its own namespace: created (with `labels`) before its tests, its default
 * ServiceAccount awaited, and deleted after them. If a test failed, the API server log tail, the namespace's events
 * and every registered log are printed first.
 */
export declare function useNamespace(options?: {
    labels?: Record<string, string>;
}): Namespace;
