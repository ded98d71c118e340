/**
 * What a `*.cluster.test.ts` file uses: the cluster the jest global setup started (or the one KUBECONFIG named), a
 * namespace of its own, kubectl/helm, moto, the audit log, an API server restart, and diagnostics on failure.
 *
 *   const namespace = useNamespace({ labels: podSecurity('restricted') });
 *   it('...', async () => { await kubectl(['-n', namespace.name, 'get', 'pods']); });
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { addEventHandler } from 'jest-circus';
import { componentLogTail, restartApiServer as restartControlPlaneApiServer } from "./control-plane.js";
import { ClusterError } from "./errors.js";
import { awsEnvironment } from "./moto.js";
import { run } from "./processes.js";
import { readState, stateEnvVar } from "./state.js";
import { waitFor } from "./wait.js";
export { waitFor };
let cached;
/** The run's cluster, as the global setup recorded it. */
export function cluster() {
    if (cached)
        return cached;
    const file = process.env[stateEnvVar];
    const state = file ? readState(dirname(file)) : undefined;
    if (!state?.ready) {
        throw new ClusterError(`no cluster for this test: ${stateEnvVar} is ${file ? `${file}, which holds no ready cluster` : 'unset'}. ` +
            'Run cluster tests through jest\'s "cluster" project (npm test, or npm run jest -- --selectProjects cluster).');
    }
    cached = state;
    return state;
}
/** A fresh KubeConfig for the cluster (admin credentials; current context set). */
export function kubeConfig() {
    const config = new KubeConfig();
    const { kubeconfig } = cluster();
    // A KUBECONFIG list (an external cluster) is merged the way kubectl merges it; the setup exported that same value.
    if (kubeconfig.includes(delimiter))
        config.loadFromDefault();
    else
        config.loadFromFile(kubeconfig);
    return config;
}
/** Runs kubectl against the cluster and resolves with its stdout; rejects with its stderr. */
export function kubectl(args, options = {}) {
    return run(binary('kubectl'), args, { env: clientEnvironment(), ...options });
}
/** Runs helm against the cluster and resolves with its stdout; rejects with its stderr. */
export function helm(args, options = {}) {
    return run(binary('helm'), args, { env: clientEnvironment(), ...options });
}
/** AWS_ENDPOINT_URL, AWS_REGION and dummy credentials that point an AWS SDK client (or the operator) at moto. */
export function awsEnv() {
    const { moto } = cluster();
    if (!moto)
        throw new ClusterError('moto is not running for this cluster');
    return awsEnvironment(moto);
}
/** moto's endpoint and the network created in it (VPC, one subnet per zone, DB subnet group, security group). */
export function aws() {
    const { moto } = cluster();
    if (!moto)
        throw new ClusterError('moto is not running for this cluster');
    return moto;
}
/** The API server's audit log: one JSON object per request with user, verb, objectRef and responseStatus. */
export function auditLogPath() {
    return localControlPlane('the audit log').auditLog;
}
/**
 * Stops kube-apiserver and starts it again on the same port and data; etcd, the controllers, kwok and moto keep
 * running. Every test file of the run sees the outage, so keep such tests few and make other files tolerate it.
 */
export async function restartApiServer() {
    await restartControlPlaneApiServer(localControlPlane('restarting the API server'));
}
/** Pod Security Admission labels that make a namespace enforce (and warn about) `level`. */
export function podSecurity(level) {
    return {
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': level,
    };
}
const extraLogs = new Map();
let failed = false;
addEventHandler((event) => {
    if ((event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure')
        failed = true;
});
/** Adds a log file (an operator's, say) to what this test file prints when one of its tests fails. */
export function registerLogFile(path, label = basename(path)) {
    extraLogs.set(label, path);
}
/**
 * Gives the calling test file its own namespace: created (with `labels`) before its tests, its default
 * ServiceAccount awaited, and deleted after them. If a test failed, the API server log tail, the namespace's events
 * and every registered log are printed first.
 */
export function useNamespace(options = {}) {
    let name;
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
                metadata: { name: candidate, labels: options.labels ?? {} },
            }),
        });
        const core = kubeConfig().makeApiClient(CoreV1Api);
        name = candidate;
        // Pods are refused until the ServiceAccount controller has created "default"; tests should not race it.
        await waitFor(() => core.readNamespacedServiceAccount({ name: 'default', namespace: candidate }), 30_000, 'the default ServiceAccount');
    });
    afterAll(async () => {
        if (name === undefined)
            return;
        if (failed)
            await printDiagnostics(name);
        await kubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name });
    });
    return {
        get name() {
            if (name === undefined)
                throw new Error('the namespace exists from beforeAll on; use it inside hooks and tests');
            return name;
        },
    };
}
async function printDiagnostics(namespace) {
    const sections = [];
    const { controlPlane } = cluster();
    if (controlPlane)
        sections.push(`kube-apiserver log (last 40 lines):\n${componentLogTail(controlPlane, 'kube-apiserver')}`);
    const events = await kubectl(['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp']).catch((error) => `(could not list events: ${error instanceof Error ? error.message : String(error)})`);
    sections.push(`events in namespace ${namespace}:\n${events.trimEnd() || '(none)'}`);
    for (const [label, path] of extraLogs) {
        const text = existsSync(path)
            ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-100).join('\n')
            : '(missing)';
        sections.push(`${label} (${path}, last 100 lines):\n${text}`);
    }
    process.stderr.write(`\n===== diagnostics for failed tests in namespace ${namespace} =====\n${sections.join('\n\n')}\n\n`);
}
function localControlPlane(what) {
    const { controlPlane } = cluster();
    if (!controlPlane) {
        throw new ClusterError(`${what} needs the local cluster, but KUBECONFIG names another one; unset KUBECONFIG to use it`);
    }
    return controlPlane;
}
function binary(name) {
    const path = cluster().binaries?.[name];
    if (!path)
        throw new ClusterError(`the cluster state records no ${name}`);
    return path;
}
/** kubectl and helm see the cluster and keep their caches in the run directory, not in the user's home. */
function clientEnvironment() {
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
//# sourceMappingURL=fixtures.js.map