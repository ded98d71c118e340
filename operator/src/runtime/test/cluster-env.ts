// The runtime's view of the shared cluster fixtures (test/cluster/fixtures.ts): one namespace per test file, the
// admin kubeconfig, kubectl with stdin, and the API server restart.
import type { KubeConfig } from '@kubernetes/client-node';
import { cluster, kubeConfig, kubectl, restartApiServer, useNamespace } from '../../../../test/cluster/fixtures.ts';

export interface TestCluster {
  /** The kubeconfig file, for child processes. */
  readonly kubeconfigPath: string;
  /** This test file's namespace (from beforeAll on). */
  readonly namespace: string;
  kubeConfig(): KubeConfig;
  kubectl(args: readonly string[], input?: string): Promise<string>;
  restartApiServer(): Promise<void>;
}

/** Call at the top level of a test file: registers the namespace's beforeAll/afterAll. */
export function useTestCluster(): TestCluster {
  const namespace = useNamespace();
  return {
    get kubeconfigPath() {
      return cluster().kubeconfig;
    },
    get namespace() {
      return namespace.name;
    },
    kubeConfig,
    kubectl: (args, input) => kubectl(args, input === undefined ? {} : { input }),
    restartApiServer,
  };
}
