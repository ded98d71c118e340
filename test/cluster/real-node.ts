import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyClusterAddons } from './cluster-addons.ts';
import { ClusterError } from './errors.ts';
import { buildImages, importImages, type NodeImages } from './images.ts';
import {
  cniConfDir,
  cniConfig,
  containerdConfig,
  kubeletArgs,
  kubeletConfig,
  kubeProxyConfig,
  networkPolicyEnforcer,
  networkPolicyEnforcerArgs,
  nodePaths,
  realNodeNetwork,
} from './node-config.ts';
import { acquireRealNodeLock, releaseRealNodeLock } from './node-lock.ts';
import {
  addNetworkPolicyChain,
  type HostSettings,
  removeNetworkPolicyChain,
  setUpNodeNetwork,
  tearDownNodeNetwork,
} from './node-network.ts';
import { writeClientKubeconfig } from './node-pki.ts';
import { freePorts } from './ports.ts';
import { CommandError, isAlive, run, spawnDetached, stopProcess } from './processes.ts';
import { type ClusterState, writeState } from './state.ts';
import { waitFor } from './wait.ts';

/**
 * A real Kubernetes node beside the kwok ones: containerd and runc from Debian, kubelet and kube-proxy (iptables) at
 * the control plane's version, Debian's CNI plugins on a bridge of our own, kube-network-policies enforcing
 * NetworkPolicies (nftables and nfqueue), CoreDNS and metrics-server as pods on it, and the images built from the
 * repository's Dockerfiles imported into its containerd. Started on demand
 * (`npm run cluster -- up`, or the first test that calls useRealNode()), one per machine at a time (node-lock.ts).
 */
export interface RealNode {
  name: string;
  dir: string;
  containerdSocket: string;
  /** Images present in the node's containerd, by role; `api` is what PetStores without spec.image run. */
  images: NodeImages;
  pids: Partial<Record<NodeProcess, number>>;
  hostSettings: HostSettings;
  logs: Record<NodeProcess, string>;
  ready: boolean;
}

type NodeProcess = 'containerd' | 'kubelet' | 'kube-proxy' | 'kube-network-policies' | 'apiserver-forwarder';

const provisionScript = fileURLToPath(new URL('provision-binaries.sh', import.meta.url));
const cniBinDir = '/usr/lib/cni';
/** Host commands the node runs, all from Debian packages that scripts/provision-tools.sh installs. */
const hostCommands = ['containerd', 'containerd-shim-runc-v2', 'runc', 'ctr', 'iptables', 'socat', 'openssl', 'ip'];

export async function startRealNode(state: ClusterState, log: (message: string) => void): Promise<RealNode> {
  try {
    return await bringUpRealNode(state, log);
  } catch (error) {
    // Leave nothing half-started on the machine (bridge, processes, lock).
    await stopRealNode(state).catch(() => undefined);
    delete state.realNode;
    writeState(state);
    throw error;
  }
}

async function bringUpRealNode(state: ClusterState, log: (message: string) => void): Promise<RealNode> {
  const { controlPlane, binaries } = state;
  if (!controlPlane || !binaries) throw new ClusterError('a real node needs the local control plane');
  checkPrerequisites();
  const started = Date.now();
  await acquireRealNodeLock(state.runDir, Number(process.env.PETSTORE_REAL_NODE_WAIT_MS ?? 15 * 60_000), log);
  const node = await provisionNodeBinaries();
  const paths = nodePaths(state.runDir);
  const logs: Record<NodeProcess, string> = {
    containerd: join(paths.dir, 'containerd.log'),
    kubelet: join(paths.dir, 'kubelet.log'),
    'kube-proxy': join(paths.dir, 'kube-proxy.log'),
    'kube-network-policies': join(paths.dir, 'kube-network-policies.log'),
    'apiserver-forwarder': join(paths.dir, 'apiserver-forwarder.log'),
  };
  const realNode: RealNode = {
    name: realNodeNetwork.nodeName,
    dir: paths.dir,
    containerdSocket: paths.containerdSocket,
    images: {} as NodeImages,
    pids: {},
    hostSettings: {},
    logs,
    ready: false,
  };
  state.realNode = realNode;
  const save = (): void => writeState(state);
  save();

  const images = buildImages({ ...node, kubectl: binaries.kubectl }, log);
  images.catch(() => undefined); // awaited below; failing early must not count as unhandled
  mkdirSync(join(paths.dir, 'containerd'), { recursive: true });
  mkdirSync(cniConfDir(paths), { recursive: true });
  writeFileSync(join(paths.dir, 'containerd.toml'), containerdConfig(paths, cniBinDir));
  writeFileSync(join(cniConfDir(paths), '10-petstore.conflist'), cniConfig(paths));
  writeFileSync(join(paths.dir, 'resolv.conf'), '# no upstream resolver: the pod network stays on this machine\n');
  const [kubeletPort, kubeletHealthz, proxyHealthz, proxyMetrics] = await freePorts(4);
  writeFileSync(
    join(paths.dir, 'kubelet.yaml'),
    kubeletConfig(paths, { kubelet: kubeletPort ?? 0, healthz: kubeletHealthz ?? 0 }),
  );
  writeFileSync(
    join(paths.dir, 'kube-proxy.yaml'),
    kubeProxyConfig(paths, { healthz: proxyHealthz ?? 0, metrics: proxyMetrics ?? 0 }),
  );
  const pkiDir = join(state.runDir, 'clusters', controlPlane.name, 'pki');
  await writeClientKubeconfig({
    pkiDir,
    dir: paths.dir,
    name: 'kubelet',
    commonName: `system:node:${realNodeNetwork.nodeName}`,
    organization: 'system:nodes',
    server: controlPlane.server,
    file: paths.kubeletKubeconfig,
  });
  await writeClientKubeconfig({
    pkiDir,
    dir: paths.dir,
    name: 'kube-proxy',
    commonName: 'system:kube-proxy',
    server: controlPlane.server,
    file: paths.kubeProxyKubeconfig,
  });
  await writeClientKubeconfig({
    pkiDir,
    dir: paths.dir,
    name: 'kube-network-policies',
    commonName: networkPolicyEnforcer.user,
    server: controlPlane.server,
    file: paths.networkPolicyKubeconfig,
  });

  realNode.hostSettings = await setUpNodeNetwork();
  save();
  realNode.pids.containerd = await spawnDetached(
    'containerd',
    ['--config', join(paths.dir, 'containerd.toml')],
    logs.containerd,
  );
  save();
  await waitFor(
    () => ctr(realNode, ['version']),
    30_000,
    `containerd to answer on ${paths.containerdSocket} (log: ${logs.containerd})`,
  );
  // Pods reach the API server through the `kubernetes` Service, whose endpoint is the bridge address
  // (--advertise-address): forward that one port to the API server on loopback.
  const apiserverPort = new URL(controlPlane.server).port;
  realNode.pids['apiserver-forwarder'] = await spawnDetached(
    'socat',
    [`TCP-LISTEN:${apiserverPort},bind=${realNodeNetwork.nodeIP},reuseaddr,fork`, `TCP:127.0.0.1:${apiserverPort}`],
    logs['apiserver-forwarder'],
  );
  save();
  realNode.images = await images;
  await importImages(realNode.images, (args) => ctr(realNode, args));
  save();
  realNode.pids.kubelet = await spawnDetached(node.kubelet, kubeletArgs(paths), logs.kubelet);
  realNode.pids['kube-proxy'] = await spawnDetached(
    node['kube-proxy'],
    [`--config=${join(paths.dir, 'kube-proxy.yaml')}`, '--v=1'],
    logs['kube-proxy'],
  );
  save();
  const kubectl = (args: readonly string[], input?: string): Promise<string> =>
    run(binaries.kubectl, ['--kubeconfig', state.kubeconfig, ...args], input === undefined ? {} : { input });
  await waitFor(
    async () =>
      (
        await kubectl([
          'get',
          'node',
          realNodeNetwork.nodeName,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ])
      ).trim() === 'True',
    90_000,
    `the kubelet to register ${realNodeNetwork.nodeName} and report it Ready (log: ${logs.kubelet})`,
  );
  await applyClusterAddons(kubectl, realNode.images);
  // After the add-ons, which hold its RBAC. Once it has synced its caches and bound its nfqueue, the chain that queues
  // the pods' new connections goes in; from then on a NetworkPolicy that selects a pod of this node is enforced.
  realNode.pids['kube-network-policies'] = await spawnDetached(
    node['kube-network-policies'],
    networkPolicyEnforcerArgs(paths),
    logs['kube-network-policies'],
  );
  save();
  await waitFor(
    () => nfqueueBound(networkPolicyEnforcer.nfqueue),
    60_000,
    `kube-network-policies to bind nfqueue ${String(networkPolicyEnforcer.nfqueue)} (log: ${logs['kube-network-policies']})`,
  );
  await addNetworkPolicyChain();
  realNode.ready = true;
  save();
  log(`real node ${realNode.name} ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return realNode;
}

/**
 * Removes the node and everything it made on the machine: its pods (so containerd tears down their sandboxes and
 * network namespaces), the kubelet, kube-proxy's iptables rules, the enforcer's nftables table, containerd and its
 * shims, the mounts under the run directory, the outside host, the bridge, the sysctls, and the machine lock. Safe to
 * call on a half-started node.
 */
export async function stopRealNode(state: ClusterState): Promise<void> {
  const realNode = state.realNode;
  if (!realNode) return;
  const kubectl = state.binaries?.kubectl;
  const kubeletUp = running(realNode.pids.kubelet);
  if (kubectl && kubeletUp) await drain(kubectl, state.kubeconfig, realNode).catch(() => undefined);
  await removeNetworkPolicyChain();
  await stopPids(realNode, ['kubelet', 'kube-proxy', 'kube-network-policies', 'apiserver-forwarder']);
  const node = await provisionNodeBinaries().catch(() => undefined);
  if (node) await run(node['kube-proxy'], ['--cleanup']).catch(() => undefined);
  // The enforcer also writes its own nftables table where the kernel takes it; it removes the table when it stops, and
  // --cleanup does in case it was killed instead.
  if (node) await run(node['kube-network-policies'], ['--cleanup']).catch(() => undefined);
  if (running(realNode.pids.containerd)) await removeContainers(realNode).catch(() => undefined);
  await stopPids(realNode, ['containerd']);
  await killShims(realNode.containerdSocket);
  await unmountUnder(realNode.dir);
  await tearDownNodeNetwork(realNode.hostSettings);
  releaseRealNodeLock(state.runDir);
}

export function realNodeHealthy(realNode: RealNode): boolean {
  return (
    realNode.ready &&
    (['containerd', 'kubelet', 'kube-proxy', 'kube-network-policies', 'apiserver-forwarder'] as const).every((name) =>
      running(realNode.pids[name]),
    )
  );
}

/** Whether a process has bound nfqueue `queue` (the kernel lists bound queues, one a line, the number first). */
function nfqueueBound(queue: number): boolean {
  const file = '/proc/net/netfilter/nfnetlink_queue';
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8')
    .split('\n')
    .some((line) => line.trim().split(/\s+/)[0] === String(queue));
}

export function ctr(realNode: RealNode, args: readonly string[]): Promise<string> {
  return run('ctr', ['--address', realNode.containerdSocket, '--namespace', 'k8s.io', ...args]);
}

/** Cordons the node and deletes its pods, so the kubelet stops them the normal way (CNI DEL, unmounts). */
async function drain(kubectl: string, kubeconfig: string, realNode: RealNode): Promise<void> {
  const k = (args: readonly string[]): Promise<string> => run(kubectl, ['--kubeconfig', kubeconfig, ...args]);
  await k(['cordon', realNode.name]);
  await k([
    'delete',
    'pods',
    '--all-namespaces',
    `--field-selector=spec.nodeName=${realNode.name}`,
    '--grace-period=1',
    '--wait=false',
  ]);
  await waitFor(
    async () => (await ctr(realNode, ['tasks', 'list', '-q'])).trim() === '',
    30_000,
    'the kubelet to stop every container on the real node',
    500,
  );
}

async function removeContainers(realNode: RealNode): Promise<void> {
  for (const task of (await ctr(realNode, ['tasks', 'list', '-q'])).split('\n').filter(Boolean)) {
    await ctr(realNode, ['tasks', 'kill', '--signal', 'SIGKILL', task]).catch(() => undefined);
  }
}

async function stopPids(realNode: RealNode, names: readonly NodeProcess[]): Promise<void> {
  const pids = names.map((name) => realNode.pids[name]).filter(running);
  await Promise.all(pids.map((pid) => stopProcess(pid, 10_000)));
}

/** A recorded pid that is alive; never 0 or absent (signal 0 to pid 0 would mean our own process group). */
function running(pid: number | undefined): pid is number {
  return pid !== undefined && pid > 0 && isAlive(pid);
}

/** containerd's shims outlive it by design; ours are the ones started with our socket address. */
async function killShims(socket: string): Promise<void> {
  const pids = (await run('pgrep', ['-f', `containerd-shim-runc-v2 .*-address ${socket}`]).catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid > 0);
  await Promise.all(pids.map((pid) => stopProcess(pid, 5_000)));
}

/** Unmounts, deepest first, whatever the kubelet and containerd left mounted under `dir` (volumes, rootfs, netns). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) await run('umount', ['--lazy', mountPoint]).catch(() => undefined);
}

function checkPrerequisites(): void {
  if (process.getuid?.() !== 0) {
    throw new ClusterError(
      'a real node needs root (containerd, network interfaces, iptables); run as root, or use the kwok nodes only',
    );
  }
  const path = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  const missing = hostCommands.filter((command) => !path.some((dir) => existsSync(join(dir, command))));
  if (!existsSync(join(cniBinDir, 'bridge'))) missing.push(`${cniBinDir}/bridge (containernetworking-plugins)`);
  if (missing.length > 0) {
    throw new ClusterError(
      `a real node needs ${missing.join(', ')}: scripts/provision-tools.sh installs them from Debian packages ` +
        '(containerd runc containernetworking-plugins iptables socat openssl iproute2)',
    );
  }
}

export interface NodeBinaries {
  kubelet: string;
  'kube-proxy': string;
  coredns: string;
  'metrics-server': string;
  pause: string;
  'kube-network-policies': string;
}

async function provisionNodeBinaries(): Promise<NodeBinaries> {
  let stdout: string;
  try {
    stdout = await run('bash', [provisionScript, 'node', 'coredns', 'metrics-server', 'pause', 'network-policies'], {
      stderr: 'inherit',
    });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new ClusterError('the real node cannot start without its binaries (the error above says why)', {
      reported: true,
    });
  }
  const paths = Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return paths as unknown as NodeBinaries;
}
