import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The real node's configuration files, as pure functions of its paths and ports: containerd, the CNI network, the
 * kubelet and kube-proxy. The node's network facts live here once; docs/local-cluster.md explains each choice.
 */
export const realNodeNetwork = {
  nodeName: 'petstore-node',
  /** A Linux bridge the cluster script creates; the pods' veths attach to it. */
  bridge: 'petstore0',
  podCIDR: '10.244.0.0/24',
  /** The bridge's address: the pods' gateway, the node's InternalIP, and the only non-loopback address we listen on. */
  nodeIP: '10.244.0.1',
  /** The cluster DNS Service's ClusterIP, inside kube-apiserver's --service-cluster-ip-range 10.0.0.0/16. */
  dnsServiceIP: '10.0.0.10',
  serviceCIDR: '10.0.0.0/16',
  clusterDomain: 'cluster.local',
  /**
   * A stand-in for a host beyond the node (a database server, the internet): a network namespace joined to the node
   * by a veth pair, in a documentation range (RFC 5737) that nothing here routes otherwise. Pods reach it the way they
   * reach anything off the node, forwarded through it, where the NetworkPolicy enforcer judges the connection. The
   * node's own addresses are no such stand-in: NetworkPolicies always admit traffic between a pod and its node.
   */
  outsideHost: {
    netns: 'petstore-outside',
    /** The node's end of the veth pair; the other end is `eth0` in the namespace. */
    hostInterface: 'petstore-out0',
    gateway: '203.0.113.1',
    address: '203.0.113.2',
    prefix: 30,
  },
} as const;

/**
 * The NetworkPolicy enforcer (sigs.k8s.io/kube-network-policies): its user in the cluster (a client certificate), the
 * nfqueue it judges each connection's first packet on, and the iptables chain that sends those packets there.
 */
export const networkPolicyEnforcer = {
  user: 'kube-network-policies',
  nfqueue: 100,
  chain: 'PETSTORE-NETWORK-POLICY',
} as const;

/**
 * The rules of the enforcer's chain (mangle table, jumped to from POSTROUTING, so after kube-proxy's DNAT: a Service's
 * traffic is judged by the pod it goes to). They stand in for the nftables table kube-network-policies writes itself,
 * whose `queue` statement this kind of machine's kernel lacks (CONFIG_NFT_QUEUE is off; the xtables NFQUEUE target is
 * built in): the same order as upstream's, except that every new connection of a pod is queued, not only those of
 * pods a policy selects (upstream's own mode when admin network policies are on). Replies and the node's own root
 * processes (the kubelet's probes) pass without a verdict; `--queue-bypass` lets traffic through while no enforcer is
 * listening, so a stopped enforcer shows up as connections that should have been dropped, never as a false denial.
 */
export function networkPolicyEnforcerRules(): string[][] {
  const { podCIDR } = realNodeNetwork;
  const queue = ['-j', 'NFQUEUE', '--queue-num', String(networkPolicyEnforcer.nfqueue), '--queue-bypass'];
  return [
    ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
    ['-m', 'owner', '--uid-owner', '0', '-j', 'RETURN'],
    ['-s', podCIDR, ...queue],
    ['-d', podCIDR, ...queue],
  ];
}

/** The label and taint that keep the real node for the pods that ask for it (see realNodeNamespaceAnnotations). */
export const realNodeLabel = { key: 'petstore.example.com/node', value: 'real' } as const;
export const realNodeTaint = { key: 'petstore.example.com/real-node', value: 'true', effect: 'NoSchedule' } as const;

/**
 * Namespace annotations read by the PodNodeSelector and PodTolerationRestriction admission plugins: every pod created
 * in such a namespace (the operator's Deployments and Jobs too) selects the real node and tolerates its taint, so
 * nothing else, in particular no builder of the operator, needs to know about it.
 */
export const realNodeNamespaceAnnotations = {
  'scheduler.alpha.kubernetes.io/node-selector': `${realNodeLabel.key}=${realNodeLabel.value}`,
  'scheduler.alpha.kubernetes.io/defaultTolerations': JSON.stringify([
    { key: realNodeTaint.key, operator: 'Exists', effect: realNodeTaint.effect },
  ]),
} as const;

/** The sandbox (pause) image's name; the cluster imports a locally built image under it (nothing can be pulled). */
export const sandboxImage = 'registry.k8s.io/pause:3.10';

export interface NodePaths {
  /** `<runDir>/node`: everything the node writes, except what the kernel keeps (interfaces, rules, netns). */
  dir: string;
  containerdSocket: string;
  caCert: string;
  kubeletKubeconfig: string;
  kubeProxyKubeconfig: string;
  networkPolicyKubeconfig: string;
}

export function nodePaths(runDir: string): NodePaths {
  const dir = join(runDir, 'node');
  return {
    dir,
    containerdSocket: join(dir, 'containerd', 'containerd.sock'),
    caCert: join(runDir, 'clusters', 'petstore', 'pki', 'ca.crt'),
    kubeletKubeconfig: join(dir, 'kubelet.kubeconfig'),
    kubeProxyKubeconfig: join(dir, 'kube-proxy.kubeconfig'),
    networkPolicyKubeconfig: join(dir, 'kube-network-policies.kubeconfig'),
  };
}

export function cniConfDir(paths: NodePaths): string {
  return join(paths.dir, 'cni', 'net.d');
}

/**
 * containerd 1.6's configuration: its own root, state and socket under the run directory (so it shares nothing with
 * another containerd on the machine), no TCP listener, CNI from Debian's plugins, and the settings this kind of
 * machine needs (TOOLING.md): restrict_oom_score_adj because root lacks CAP_SYS_RESOURCE, cgroupfs (no systemd).
 */
export function containerdConfig(paths: NodePaths, cniBinDir: string): string {
  const dir = join(paths.dir, 'containerd');
  return `version = 2
root = ${JSON.stringify(join(dir, 'root'))}
state = ${JSON.stringify(join(dir, 'state'))}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = ${JSON.stringify(paths.containerdSocket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${JSON.stringify(join(dir, 'opt'))}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${JSON.stringify(sandboxImage)}
  restrict_oom_score_adj = true
  # Pod network namespaces under our state directory, not the machine-wide /run/netns.
  netns_mounts_under_state_dir = true
  # kubectl exec/logs/port-forward streams: loopback only (the kubelet proxies them).
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${JSON.stringify(cniBinDir)}
    conf_dir = ${JSON.stringify(cniConfDir(paths))}
`;
}

/** The pod network: Debian's bridge plugin on our bridge, host-local addresses kept in the run directory, portmap. */
export function cniConfig(paths: NodePaths): string {
  const { bridge, podCIDR, nodeIP } = realNodeNetwork;
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'petstore',
      plugins: [
        {
          type: 'bridge',
          bridge,
          isGateway: true,
          // No SNAT: pods only talk to this machine (the bridge address), never beyond it.
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: podCIDR, gateway: nodeIP }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: join(paths.dir, 'cni', 'ipam'),
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

export interface KubeletPorts {
  kubelet: number;
  healthz: number;
}

/** KubeletConfiguration: webhook authn/authz against the API server, listening on the bridge address only. */
export function kubeletConfig(paths: NodePaths, ports: KubeletPorts): string {
  const { nodeIP, dnsServiceIP, clusterDomain } = realNodeNetwork;
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    // This kind of machine has cgroup v1 (TOOLING.md); Kubernetes 1.35+ refuses it unless told otherwise.
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    address: nodeIP,
    port: ports.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: ports.healthz,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: paths.caCert },
    },
    authorization: { mode: 'Webhook' },
    clusterDNS: [dnsServiceIP],
    clusterDomain,
    containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
    imageServiceEndpoint: `unix://${paths.containerdSocket}`,
    // Pods with dnsPolicy Default (CoreDNS itself) get no upstream resolver: the pod network stays on this machine.
    resolvConf: join(paths.dir, 'resolv.conf'),
    // Container logs in the run directory, not the machine-wide /var/log/pods.
    podLogsDir: join(paths.dir, 'pod-logs'),
    failSwapOn: false,
    // Our images cannot be pulled again once removed: never garbage-collect them, and evict only when really full.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    registerWithTaints: [realNodeTaint],
    maxPods: 110,
    serializeImagePulls: false,
  });
}

export interface KubeProxyPorts {
  healthz: number;
  metrics: number;
}

/** kube-proxy in iptables mode; NodePorts only on the bridge address; it leaves the conntrack sysctls alone. */
export function kubeProxyConfig(paths: NodePaths, ports: KubeProxyPorts): string {
  const { nodeName, nodeIP, podCIDR } = realNodeNetwork;
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clientConnection: { kubeconfig: paths.kubeProxyKubeconfig },
    hostnameOverride: nodeName,
    clusterCIDR: podCIDR,
    healthzBindAddress: `127.0.0.1:${String(ports.healthz)}`,
    metricsBindAddress: `127.0.0.1:${String(ports.metrics)}`,
    nodePortAddresses: [`${nodeIP}/32`],
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    iptables: { localhostNodePorts: false },
  });
}

/** The enforcer's command line: a host process like kube-proxy, judging the pods of this node only. */
export function networkPolicyEnforcerArgs(paths: NodePaths): string[] {
  return [
    `--kubeconfig=${paths.networkPolicyKubeconfig}`,
    `--hostname-override=${realNodeNetwork.nodeName}`,
    `--nfqueue-id=${String(networkPolicyEnforcer.nfqueue)}`,
    // Each verdict with its pods and policies is logged, which is what explains a test's refused connection.
    '--v=2',
  ];
}

/** The kubelet's command line (the rest is in its configuration file). */
export function kubeletArgs(paths: NodePaths): string[] {
  const { nodeName, nodeIP } = realNodeNetwork;
  return [
    `--config=${join(paths.dir, 'kubelet.yaml')}`,
    `--kubeconfig=${paths.kubeletKubeconfig}`,
    `--root-dir=${join(paths.dir, 'kubelet')}`,
    `--cert-dir=${join(paths.dir, 'kubelet', 'pki')}`,
    `--hostname-override=${nodeName}`,
    `--node-ip=${nodeIP}`,
    `--node-labels=${realNodeLabel.key}=${realNodeLabel.value}`,
    '--v=1',
  ];
}
