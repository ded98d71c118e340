/**
 * What a `*.cluster.test.ts` file uses: the cluster the jest global setup started (or the one KUBECONFIG named), a
 * namespace of its own, kubectl/helm, moto, the audit log, an API server restart, and diagnostics on failure.
 *
 *   const namespace = useNamespace({ labels: podSecurity('restricted') });
 *   it('...', async () => { await kubectl(['-n', namespace.name, 'get', 'pods']); });
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { addEventHandler } from 'jest-circus';
import { ensureRealNode } from './cluster.ts';
import { componentLogTail, restartApiServer as restartControlPlaneApiServer } from './control-plane.ts';
import { ClusterError } from './errors.ts';
import { awsEnvironment } from './moto.ts';
import { realNodeNamespaceAnnotations } from './node-config.ts';
import type { RealNode } from './real-node.ts';
import { run } from './processes.ts';
import { type ClusterState, readState, stateEnvVar } from './state.ts';
import { waitFor } from './wait.ts';

export { waitFor };

let cached: ClusterState | undefined;

/** The run's cluster, as the global setup recorded it. */
export function cluster(): ClusterState {
  if (cached) return cached;
  const file = process.env[stateEnvVar];
  const state = file ? readState(dirname(file)) : undefined;
  if (!state?.ready) {
    throw new ClusterError(
      `no cluster for this test: ${stateEnvVar} is ${file ? `${file}, which holds no ready cluster` : 'unset'}. ` +
        'Run cluster tests through jest\'s "cluster" project (npm test, or npm run jest -- --selectProjects cluster).',
    );
  }
  cached = state;
  return state;
}

/** A fresh KubeConfig for the cluster (admin credentials; current context set). */
export function kubeConfig(): KubeConfig {
  const config = new KubeConfig();
  const { kubeconfig } = cluster();
  // A KUBECONFIG list (an external cluster) is merged the way kubectl merges it; the setup exported that same value.
  if (kubeconfig.includes(delimiter)) config.loadFromDefault();
  else config.loadFromFile(kubeconfig);
  return config;
}

/**
 * Writes a kubeconfig that authenticates as a ServiceAccount (a token from the TokenRequest API, valid for an hour)
 * and returns its path, so a process (the operator, say) runs with exactly the RBAC granted to that account.
 */
export async function serviceAccountKubeconfig(namespace: string, serviceAccount: string): Promise<string> {
  const admin = kubeConfig();
  const server = admin.getCurrentCluster();
  if (!server) throw new ClusterError('the cluster kubeconfig has no current cluster');
  const token = (await kubectl(['-n', namespace, 'create', 'token', serviceAccount, '--duration=1h'])).trim();
  const account = new KubeConfig();
  const user = `${namespace}-${serviceAccount}`;
  account.loadFromOptions({
    clusters: [server],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: server.name, user, namespace }],
    currentContext: user,
  });
  const file = join(cluster().runDir, `kubeconfig-${user}.yaml`);
  writeFileSync(file, account.exportConfig(), { mode: 0o600 });
  return file;
}

/** Runs kubectl against the cluster and resolves with its stdout; rejects with its stderr. */
export function kubectl(args: readonly string[], options: { input?: string } = {}): Promise<string> {
  return run(binary('kubectl'), args, { env: clientEnvironment(), ...options });
}

/** Runs helm against the cluster and resolves with its stdout; rejects with its stderr. */
export function helm(args: readonly string[], options: { input?: string } = {}): Promise<string> {
  return run(binary('helm'), args, { env: clientEnvironment(), ...options });
}

/** AWS_ENDPOINT_URL, AWS_REGION and dummy credentials that point an AWS SDK client (or the operator) at moto. */
export function awsEnv(): Record<string, string> {
  const { moto } = cluster();
  if (!moto) throw new ClusterError('moto is not running for this cluster');
  return awsEnvironment(moto);
}

/** moto's endpoint and the network created in it (VPC, one subnet per zone, DB subnet group, security group). */
export function aws(): NonNullable<ClusterState['moto']> {
  const { moto } = cluster();
  if (!moto) throw new ClusterError('moto is not running for this cluster');
  return moto;
}

/** The API server's audit log: one JSON object per request with user, verb, objectRef and responseStatus. */
export function auditLogPath(): string {
  return localControlPlane('the audit log').auditLog;
}

/**
 * Stops kube-apiserver and starts it again on the same port and data; etcd, the controllers, kwok and moto keep
 * running. Every test file of the run sees the outage, so keep such tests few and make other files tolerate it.
 */
export async function restartApiServer(): Promise<void> {
  await restartControlPlaneApiServer(localControlPlane('restarting the API server'));
}

/** Pod Security Admission labels that make a namespace enforce (and warn about) `level`. */
export function podSecurity(level: 'privileged' | 'baseline' | 'restricted'): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': level,
  };
}

const extraLogs = new Map<string, string>();
let failed = false;
addEventHandler((event) => {
  if ((event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure') failed = true;
});

/** Adds a log file (an operator's, say) to what this test file prints when one of its tests fails. */
export function registerLogFile(path: string, label = basename(path)): void {
  extraLogs.set(label, path);
}

export interface Namespace {
  /** Available from beforeAll on. */
  readonly name: string;
}

/** The first start of the real node builds images and may wait for another cluster's node (one per machine). */
const realNodeStartTimeoutMs = 30 * 60_000;

/**
 * The run's real node (kubelet, containerd, CoreDNS, metrics-server; images built from the Dockerfiles), started by
 * the first `useNamespace({ realNode: true })`; use it from beforeAll on.
 */
export function realNode(): RealNode {
  const node = cluster().realNode;
  if (!node?.ready) {
    throw new ClusterError('this test needs the real node: create its namespace with useNamespace({ realNode: true })');
  }
  return node;
}

/**
 * Gives the calling test file its own namespace: created (with `labels`) before its tests, its default
 * ServiceAccount awaited, and deleted after them. If a test failed, the API server log tail, the namespace's events
 * and every registered log are printed first.
 *
 * `realNode: true` says "this test needs the real node": it is started for the run if it is not running yet, and
 * every pod created in the namespace (the operator's too) is placed on it by admission (node-config.ts); without it,
 * pods land on the kwok nodes as before.
 */
export function useNamespace(options: { labels?: Record<string, string>; realNode?: boolean } = {}): Namespace {
  let name: string | undefined;
  if (options.realNode) {
    beforeAll(async () => {
      const { runDir, controlPlane } = cluster();
      if (!controlPlane) throw new ClusterError('the real node needs the local cluster; unset KUBECONFIG to use it');
      cached = await ensureRealNode(runDir, (message) => void process.stderr.write(`[real node] ${message}\n`));
      for (const [label, path] of Object.entries(cached.realNode?.logs ?? {})) registerLogFile(path, label);
    }, realNodeStartTimeoutMs);
  }
  beforeAll(async () => {
    const file = basename(expect.getState().testPath ?? 'test').replace(/\.cluster\.test\.ts$/, '');
    const stem = file
      .toLowerCase()
      .replaceAll(/[^a-z0-9-]+/g, '-')
      .slice(0, 40)
      .replace(/^-+|-+$/g, '');
    const candidate = `${stem || 'test'}-${Math.random().toString(36).slice(2, 7)}`;
    await kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: candidate,
          labels: options.labels ?? {},
          ...(options.realNode ? { annotations: realNodeNamespaceAnnotations } : {}),
        },
      }),
    });
    const core = kubeConfig().makeApiClient(CoreV1Api);
    name = candidate;
    // Pods are refused until the ServiceAccount controller has created "default"; tests should not race it.
    await waitFor(
      () => core.readNamespacedServiceAccount({ name: 'default', namespace: candidate }),
      30_000,
      'the default ServiceAccount',
    );
  });
  afterAll(async () => {
    if (name === undefined) return;
    if (failed) await printDiagnostics(name);
    await kubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name });
  });
  return {
    get name() {
      if (name === undefined) throw new Error('the namespace exists from beforeAll on; use it inside hooks and tests');
      return name;
    },
  };
}

async function printDiagnostics(namespace: string): Promise<void> {
  const sections: string[] = [];
  const { controlPlane } = cluster();
  if (controlPlane)
    sections.push(`kube-apiserver log (last 40 lines):\n${componentLogTail(controlPlane, 'kube-apiserver')}`);
  const events = await kubectl(['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp']).catch(
    (error: unknown) => `(could not list events: ${error instanceof Error ? error.message : String(error)})`,
  );
  sections.push(`events in namespace ${namespace}:\n${events.trimEnd() || '(none)'}`);
  for (const [label, path] of extraLogs) {
    const text = existsSync(path)
      ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-100).join('\n')
      : '(missing)';
    sections.push(`${label} (${path}, last 100 lines):\n${text}`);
  }
  process.stderr.write(
    `\n===== diagnostics for failed tests in namespace ${namespace} =====\n${sections.join('\n\n')}\n\n`,
  );
}

function localControlPlane(what: string): NonNullable<ClusterState['controlPlane']> {
  const { controlPlane } = cluster();
  if (!controlPlane) {
    throw new ClusterError(
      `${what} needs the local cluster, but KUBECONFIG names another one; unset KUBECONFIG to use it`,
    );
  }
  return controlPlane;
}

function binary(name: 'kubectl' | 'helm'): string {
  const path = cluster().binaries?.[name];
  if (!path) throw new ClusterError(`the cluster state records no ${name}`);
  return path;
}

/** kubectl and helm see the cluster and keep their caches in the run directory, not in the user's home. */
function clientEnvironment(): NodeJS.ProcessEnv {
  const { kubeconfig, runDir } = cluster();
  return {
    ...process.env,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(runDir, 'cache', 'kube'),
    HELM_CACHE_HOME: join(runDir, 'cache', 'helm'),
    HELM_CONFIG_HOME: join(runDir, 'config', 'helm'),
    HELM_DATA_HOME: join(runDir, 'data', 'helm'),
  };
}
