export declare const binaryNames: readonly ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "etcd", "kwok", "kwokctl", "helm"];
export type BinaryName = (typeof binaryNames)[number];
/** Absolute path of every binary the cluster needs. */
export type Binaries = Record<BinaryName, string>;
/**
 * Resolves every cluster binary through provision-binaries.sh (PETSTORE_BIN_DIR, then the cache, then a download,
 * then a Go build). Its progress and, on failure, its one explanation go straight to our stderr.
 */
export declare function provisionBinaries(): Promise<Binaries>;
/**
 * The moto_server executable of the project's cached virtualenv (the pinned moto, not whichever one is on PATH);
 * scripts/provision-tools.sh creates the virtualenv on first use and is quick afterwards.
 */
export declare function motoServerBinary(): Promise<string>;
