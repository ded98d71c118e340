import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Binaries } from './binaries.ts';
import { ClusterError } from './errors.ts';
import { realNodeNetwork } from './node-config.ts';
import { freePorts } from './ports.ts';
import { CommandError, isAlive, run, stopProcess } from './processes.ts';
import { waitFor } from './wait.ts';

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

const clusterName = 'petstore';
const auditPolicy = fileURLToPath(new URL('audit-policy.yaml', import.meta.url));
const components = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller'];
/**
 * Admission plugins the later tests rely on; the API server enables the first five by default, listed so a reader sees
 * them. PodNodeSelector and PodTolerationRestriction place the pods of annotated namespaces on the real node
 * (node-config.ts, realNodeNamespaceAnnotations); namespaces without the annotations are unaffected.
 */
const admissionPlugins = [
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'PodSecurity',
  'ResourceQuota',
  'PodNodeSelector',
  'PodTolerationRestriction',
];

/**
 * Chooses free loopback ports and writes kwokctl's configuration for a new control plane in `runDir`; nothing runs
 * yet, so the caller can record the result before any process exists (and clean up after a failed start).
 */
export async function planControlPlane(runDir: string, binaries: Binaries): Promise<ControlPlane> {
  const [apiserver, etcd, etcdPeer, controllerManager, scheduler, kwok] = await freePorts(6);
  const clusterDir = join(runDir, 'clusters', clusterName);
  const pki = join(clusterDir, 'pki');
  writeFileSync(
    join(runDir, 'kwokctl.yaml'),
    stringify({
      apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
      kind: 'KwokctlConfiguration',
      options: {
        runtime: 'binary',
        bindAddress: '127.0.0.1',
        kubeApiserverPort: apiserver,
        etcdPort: etcd,
        etcdPeerPort: etcdPeer,
        kubeControllerManagerPort: controllerManager,
        kubeSchedulerPort: scheduler,
        kwokControllerPort: kwok,
        kubeAuthorization: true, // --authorization-mode=Node,RBAC
        kubeAdmission: true,
        kubeAuditPolicy: auditPolicy,
        // Pods on the real node verify the API server as https://kubernetes.default.svc (10.0.0.1), which the
        // `kubernetes` Service sends to the bridge address (--advertise-address).
        kubeApiserverCertSANs: ['10.0.0.1', realNodeNetwork.nodeIP],
        kubeApiserverBinary: binaries['kube-apiserver'],
        kubeControllerManagerBinary: binaries['kube-controller-manager'],
        kubeSchedulerBinary: binaries['kube-scheduler'],
        kubectlBinary: binaries.kubectl,
        etcdBinary: binaries.etcd,
        kwokControllerBinary: binaries.kwok,
      },
      componentsPatches: [
        {
          name: 'kube-apiserver',
          extraArgs: [
            { key: 'enable-admission-plugins', value: admissionPlugins.join(',') },
            // Close open watches on SIGTERM (as a managed control plane does) instead of waiting the 60 s request
            // timeout for them, so a restart takes about a second.
            { key: 'shutdown-watch-termination-grace-period', value: '3s' },
            // kwokctl's default /24 holds 254 Services; benchmarks run hundreds of PetStores, one Service each.
            { key: 'service-cluster-ip-range', value: realNodeNetwork.serviceCIDR },
            // For the real node (real-node.ts): the `kubernetes` Service's endpoint is the bridge address, where a
            // forwarder passes pods' connections on to this loopback-only API server; nothing listens there while
            // there is no real node, and the kwok pods never connect.
            { key: 'advertise-address', value: realNodeNetwork.nodeIP },
            // kubectl logs/exec/port-forward: the API server authenticates to the kubelet with the admin certificate.
            { key: 'kubelet-client-certificate', value: join(pki, 'admin.crt') },
            { key: 'kubelet-client-key', value: join(pki, 'admin.key') },
            // The node's name does not resolve on this machine; its InternalIP (the bridge address) does not need to.
            { key: 'kubelet-preferred-address-types', value: 'InternalIP' },
            // The aggregation layer (metrics-server): reach APIServices by endpoint IP, and tell them who the user is.
            { key: 'enable-aggregator-routing', value: 'true' },
            { key: 'requestheader-client-ca-file', value: join(pki, 'ca.crt') },
            // The one CA signs every client certificate: only the proxy's (kwokctl's admin) may claim a user in headers.
            { key: 'requestheader-allowed-names', value: 'kwok-admin' },
            { key: 'requestheader-username-headers', value: 'X-Remote-User' },
            { key: 'requestheader-group-headers', value: 'X-Remote-Group' },
            { key: 'requestheader-extra-headers-prefix', value: 'X-Remote-Extra-' },
          ],
        },
        // A leader that cannot renew its lease exits (a kubelet would restart it); with one instance each there is
        // nothing to elect, and without it both would die whenever a test restarts the API server.
        { name: 'kube-controller-manager', extraArgs: [{ key: 'leader-elect', value: 'false' }] },
        { name: 'kube-scheduler', extraArgs: [{ key: 'leader-elect', value: 'false' }] },
        // kwok plays the kubelet only for the simulated nodes (nodes.ts annotates them); the real node has its own.
        // The later flag wins over kwokctl's --manage-all-nodes=true.
        {
          name: 'kwok-controller',
          extraArgs: [
            { key: 'manage-all-nodes', value: 'false' },
            { key: 'manage-nodes-with-annotation-selector', value: 'kwok.x-k8s.io/node=fake' },
          ],
        },
      ],
    }),
  );
  return {
    name: clusterName,
    runDir,
    kubeconfig: join(runDir, 'kubeconfig.yaml'),
    server: `https://127.0.0.1:${String(apiserver)}`,
    auditLog: join(clusterDir, 'logs', 'audit.log'),
    logsDir: join(clusterDir, 'logs'),
    kwokctl: binaries.kwokctl,
    kubectl: binaries.kubectl,
  };
}

/** Creates and starts a planned control plane; resolves once the API server is ready. */
export async function createControlPlane(controlPlane: ControlPlane): Promise<void> {
  const config = join(controlPlane.runDir, 'kwokctl.yaml');
  // --kubeconfig names the file kwokctl adds the cluster to: ours, never the user's ~/.kube/config.
  await kwokctl(controlPlane, ['create', 'cluster', '--config', config, '--kubeconfig', controlPlane.kubeconfig]);
  await waitUntilServing(controlPlane);
}

/** Starts whatever components of an existing control plane are not running (after a reboot, or a stopped API server). */
export async function startControlPlane(controlPlane: ControlPlane): Promise<void> {
  await kwokctl(controlPlane, ['start', 'cluster']);
  await waitUntilServing(controlPlane);
}

/** Stops every component and deletes the cluster's files; resolves once no component process is left. */
export async function deleteControlPlane(controlPlane: ControlPlane): Promise<void> {
  const pids = components.map((component) => componentPid(controlPlane, component)).filter((pid) => pid !== undefined);
  if (existsSync(join(controlPlane.runDir, 'clusters', controlPlane.name))) {
    await kwokctl(controlPlane, ['delete', 'cluster', '--kubeconfig', controlPlane.kubeconfig]);
  }
  // kwokctl sends SIGKILL without waiting; a process that survives it is ours to stop.
  await Promise.all(pids.map((pid) => stopProcess(pid, 5_000)));
}

/**
 * Stops the API server gracefully (SIGTERM: it closes its watches and exits; SIGKILL after 10 s) and starts it again
 * on the same port and etcd data, while the other components keep running.
 */
export async function restartApiServer(controlPlane: ControlPlane): Promise<void> {
  const pidFile = componentPidFile(controlPlane, 'kube-apiserver');
  const pid = componentPid(controlPlane, 'kube-apiserver');
  if (pid !== undefined) await stopProcess(pid, 10_000);
  // kwokctl treats a pid file whose process is not yet reaped as running, and truncates the log when it starts the
  // component: drop the one, keep the other.
  rmSync(pidFile, { force: true });
  const log = join(controlPlane.logsDir, 'kube-apiserver.log');
  if (existsSync(log)) appendFileSync(join(controlPlane.logsDir, 'kube-apiserver.previous.log'), readFileSync(log));
  await startControlPlane(controlPlane);
}

/** Whether every component process is alive and the API server answers /readyz. */
export async function controlPlaneHealthy(controlPlane: ControlPlane): Promise<boolean> {
  if (!components.every((component) => isAlive(componentPid(controlPlane, component) ?? 0))) return false;
  try {
    await run(controlPlane.kubectl, ['--kubeconfig', controlPlane.kubeconfig, 'get', '--raw=/readyz']);
    return true;
  } catch {
    return false;
  }
}

/** The last `lines` lines of a component's log (kube-apiserver, etcd, ...), for failure reports. */
export function componentLogTail(controlPlane: ControlPlane, component: string, lines = 40): string {
  const file = join(controlPlane.logsDir, `${component}.log`);
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function componentPidFile(controlPlane: ControlPlane, component: string): string {
  return join(controlPlane.runDir, 'clusters', controlPlane.name, 'pids', `${component}.pid`);
}

function componentPid(controlPlane: ControlPlane, component: string): number | undefined {
  const file = componentPidFile(controlPlane, component);
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  return Number.isNaN(pid) ? undefined : pid;
}

async function waitUntilServing(controlPlane: ControlPlane): Promise<void> {
  try {
    await waitFor(
      () => run(controlPlane.kubectl, ['--kubeconfig', controlPlane.kubeconfig, 'get', '--raw=/readyz']),
      60_000,
      `the API server at ${controlPlane.server} to be ready`,
    );
  } catch (error) {
    throw new ClusterError(
      `${error instanceof Error ? error.message : String(error)}\n` +
        `last lines of ${join(controlPlane.logsDir, 'kube-apiserver.log')}:\n${componentLogTail(controlPlane, 'kube-apiserver')}`,
    );
  }
}

async function kwokctl(controlPlane: ControlPlane, args: readonly string[]): Promise<void> {
  try {
    await run(controlPlane.kwokctl, ['--name', controlPlane.name, ...args], {
      env: { ...process.env, KWOK_WORKDIR: controlPlane.runDir },
    });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new ClusterError(`kwokctl ${args.slice(0, 2).join(' ')} failed:\n${kwokctlMessages(error.stderr)}`);
  }
}

/** kwokctl logs JSON lines; the `msg` and `err` fields are what a reader needs. */
function kwokctlMessages(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; err?: string };
        return [entry.msg, entry.err].filter(Boolean).join(': ');
      } catch {
        return line;
      }
    })
    .join('\n');
}
