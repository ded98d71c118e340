// The real node's configuration files: what each process listens on (loopback or the bridge address, nothing else),
// where containerd keeps its state (the run directory, shared with no other cluster), and how pods are placed.
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  cniConfig,
  containerdConfig,
  kubeletConfig,
  kubeProxyConfig,
  networkPolicyEnforcer,
  networkPolicyEnforcerArgs,
  networkPolicyEnforcerRules,
  nodePaths,
  realNodeNamespaceAnnotations,
  realNodeNetwork,
  realNodeTaint,
} from './node-config.ts';

const paths = nodePaths('/tmp/petstore-cluster-run-x');
const loopbackOrBridge = /^(127\.0\.0\.1|10\.244\.0\.1)(:\d+)?$/;

describe('the real node configuration', () => {
  it('has the kubelet listen on the bridge address only, its healthz on loopback, no read-only port', () => {
    const config = parse(kubeletConfig(paths, { kubelet: 41000, healthz: 41001 })) as Record<string, unknown>;
    expect(config.address).toBe(realNodeNetwork.nodeIP);
    expect(config.healthzBindAddress).toBe('127.0.0.1');
    expect(config.readOnlyPort).toBe(0);
    expect(config.authentication).toMatchObject({ anonymous: { enabled: false }, webhook: { enabled: true } });
    expect(config.authorization).toEqual({ mode: 'Webhook' });
    expect(config.failCgroupV1).toBe(false);
    expect(config.registerWithTaints).toEqual([realNodeTaint]);
  });

  it('has kube-proxy serve metrics and healthz on loopback and NodePorts on the bridge address only', () => {
    const config = parse(kubeProxyConfig(paths, { healthz: 41002, metrics: 41003 })) as Record<string, unknown>;
    expect(config.mode).toBe('iptables');
    expect(config.healthzBindAddress).toMatch(loopbackOrBridge);
    expect(config.metricsBindAddress).toMatch(loopbackOrBridge);
    expect(config.nodePortAddresses).toEqual([`${realNodeNetwork.nodeIP}/32`]);
  });

  it('keeps containerd on a Unix socket in the run directory, streaming on loopback', () => {
    const toml = containerdConfig(paths, '/usr/lib/cni');
    expect(toml).toContain(`address = "${paths.containerdSocket}"`);
    expect(paths.containerdSocket.startsWith('/tmp/petstore-cluster-run-x/')).toBe(true);
    expect(toml).toContain('stream_server_address = "127.0.0.1"');
    expect(toml).toContain('netns_mounts_under_state_dir = true');
    expect(toml).toContain('restrict_oom_score_adj = true');
    expect(toml).not.toMatch(/tcp_address|0\.0\.0\.0/);
  });

  it('gives pods the bridge network without masquerading them beyond the machine', () => {
    const conflist = JSON.parse(cniConfig(paths)) as { plugins: Record<string, unknown>[] };
    expect(conflist.plugins[0]).toMatchObject({ type: 'bridge', bridge: realNodeNetwork.bridge, ipMasq: false });
  });

  it('queues only new connections of the pods for the NetworkPolicy enforcer, and lets traffic by while it is away', () => {
    const rules = networkPolicyEnforcerRules().map((rule) => rule.join(' '));
    expect(rules.slice(0, 2)).toEqual([
      '-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
      '-m owner --uid-owner 0 -j RETURN',
    ]);
    expect(rules.slice(2)).toEqual(
      ['-s', '-d'].map(
        (side) =>
          `${side} ${realNodeNetwork.podCIDR} -j NFQUEUE --queue-num ${String(networkPolicyEnforcer.nfqueue)} --queue-bypass`,
      ),
    );
  });

  it('runs the enforcer for this node with its own credentials from the run directory', () => {
    expect(networkPolicyEnforcerArgs(paths)).toEqual(
      expect.arrayContaining([
        `--kubeconfig=${paths.networkPolicyKubeconfig}`,
        `--hostname-override=${realNodeNetwork.nodeName}`,
        `--nfqueue-id=${String(networkPolicyEnforcer.nfqueue)}`,
      ]),
    );
    expect(paths.networkPolicyKubeconfig.startsWith('/tmp/petstore-cluster-run-x/')).toBe(true);
  });

  it('puts the outside host off the pod and Service networks, so pods reach it only through the node', () => {
    const { gateway, address } = realNodeNetwork.outsideHost;
    for (const ip of [gateway, address]) {
      expect(ip).toMatch(/^203\.0\.113\./); // RFC 5737 TEST-NET-3: routed nowhere
      expect(ip.startsWith(realNodeNetwork.podCIDR.replace(/\.0\/24$/, '.'))).toBe(false);
    }
  });

  it('places a namespace’s pods on the real node through admission annotations', () => {
    expect(realNodeNamespaceAnnotations['scheduler.alpha.kubernetes.io/node-selector']).toBe(
      'petstore.example.com/node=real',
    );
    expect(JSON.parse(realNodeNamespaceAnnotations['scheduler.alpha.kubernetes.io/defaultTolerations'])).toEqual([
      { key: realNodeTaint.key, operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });
});
