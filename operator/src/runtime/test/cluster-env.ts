// The runtime's view of the shared cluster fixtures (test/cluster/fixtures.ts): one namespace per test file, the
// admin kubeconfig, kubectl with stdin, and the API server restart. Test files pass the fixtures module in, so this
// file (inside the operator's source tree) does not import from outside it.
import type { KubeConfig } from '@kubernetes/client-node';

/** The parts of test/cluster/fixtures.ts the runtime's tests use. */
export interface ClusterFixtures {
  cluster(): { kubeconfig: string };
  kubeConfig(): KubeConfig;
  kubectl(args: readonly string[], options?: { input?: string }): Promise<string>;
  restartApiServer(): Promise<void>;
  useNamespace(): { readonly name: string };
}

export interface TestCluster {
  /** The kubeconfig file, for child processes. */
  readonly kubeconfigPath: string;
  /** This test file's namespace (from beforeAll on). */
  readonly namespace: string;
  kubeConfig(): KubeConfig;
  kubectl(args: readonly string[], input?: string): Promise<string>;
  restartApiServer(): Promise<void>;
}

/** Call at the top level of a test file with `import * as fixtures from '…/test/cluster/fixtures.ts'`. */
export function useTestCluster(fixtures: ClusterFixtures): TestCluster {
  const namespace = fixtures.useNamespace();
  return {
    get kubeconfigPath() {
      return fixtures.cluster().kubeconfig;
    },
    get namespace() {
      return namespace.name;
    },
    kubeConfig: () => fixtures.kubeConfig(),
    kubectl: (args, input) =>
      retryWhileApiServerIsDown(() => fixtures.kubectl(args, input === undefined ? {} : { input })),
    restartApiServer: () => fixtures.restartApiServer(),
  };
}

/** Other test files restart the API server; a request during that outage is retried rather than failing the test. */
async function retryWhileApiServerIsDown<T>(request: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outage = /connection refused|ServiceUnavailable|unable to handle the request|EOF|connection reset/i;
      if (!outage.test(message) || performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
