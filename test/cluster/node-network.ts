import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ClusterError } from './errors.ts';
import { networkPolicyEnforcer, networkPolicyEnforcerRules, realNodeNetwork } from './node-config.ts';
import { CommandError, run } from './processes.ts';

/**
 * The real node's host network: a bridge with the node's address, IP forwarding so traffic between the pods, the
 * bridge and Service IPs (kube-proxy's DNAT) is routed, and an outside host for tests. Nothing here listens; the
 * processes that do bind to the bridge address or to loopback. Pods reach no further than this machine (no
 * masquerading, no default route out).
 */
const ipForward = '/proc/sys/net/ipv4/ip_forward';
const bridgeNetfilter = '/proc/sys/net/bridge/bridge-nf-call-iptables';

export interface HostSettings {
  /** The sysctl values before the node changed them, restored by tearDownNodeNetwork. */
  ipForward?: string;
  bridgeNetfilter?: string;
}

export async function setUpNodeNetwork(): Promise<HostSettings> {
  const { bridge, nodeIP, podCIDR } = realNodeNetwork;
  const prefix = podCIDR.split('/')[1] ?? '24';
  if (!(await linkExists(bridge))) await ip(['link', 'add', bridge, 'type', 'bridge']);
  const addresses = await ip(['-4', '-o', 'addr', 'show', 'dev', bridge]);
  if (!addresses.includes(`${nodeIP}/`)) await ip(['addr', 'add', `${nodeIP}/${prefix}`, 'dev', bridge]);
  await ip(['link', 'set', bridge, 'up']);
  const settings: HostSettings = {};
  settings.ipForward = setSysctl(ipForward, '1');
  // Pod-to-Service traffic between two pods on the one bridge must pass kube-proxy's iptables rules.
  if (existsSync(bridgeNetfilter)) settings.bridgeNetfilter = setSysctl(bridgeNetfilter, '1');
  await setUpOutsideHost();
  return settings;
}

/**
 * The outside host (realNodeNetwork.outsideHost): a network namespace with one veth into the node, its default route
 * through the node, so pods reach it forwarded and it answers them. Nothing listens in it until a test starts
 * something there (`ip netns exec`). Fails, rather than shadowing it, when the machine already routes that range.
 */
async function setUpOutsideHost(): Promise<void> {
  const { netns, hostInterface, gateway, address, prefix } = realNodeNetwork.outsideHost;
  if (!(await linkExists(hostInterface))) {
    const network = `${gateway}/${String(prefix)}`;
    const routed = (await ip(['-4', 'route', 'show', 'match', network]))
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('default'));
    if (routed.length > 0) {
      throw new ClusterError(
        `the real node's outside host needs ${network}, which this machine already routes (${routed.join('; ')})`,
      );
    }
    await removeOutsideHost();
    await ip(['netns', 'add', netns]);
    await ip(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await ip(['addr', 'add', network, 'dev', hostInterface]);
    await ip(['link', 'set', hostInterface, 'up']);
  }
  const inside = (args: string[]) => ip(['-n', netns, ...args]);
  if (!(await inside(['-4', '-o', 'addr', 'show', 'dev', 'eth0'])).includes(`${address}/`)) {
    await inside(['addr', 'add', `${address}/${String(prefix)}`, 'dev', 'eth0']);
  }
  await inside(['link', 'set', 'lo', 'up']);
  await inside(['link', 'set', 'eth0', 'up']);
  await inside(['route', 'replace', 'default', 'via', gateway]);
}

/** Stops whatever a test left running in the outside host, then removes the namespace (and with it the veth pair). */
async function removeOutsideHost(): Promise<void> {
  const { netns, hostInterface } = realNodeNetwork.outsideHost;
  const pids = (await ip(['netns', 'pids', netns]).catch(() => ''))
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await ip(['netns', 'delete', netns]).catch(() => undefined);
  if (await linkExists(hostInterface)) await ip(['link', 'del', hostInterface]);
}

/**
 * Sends each new connection of the node's pods to the NetworkPolicy enforcer's nfqueue (the rules and why:
 * networkPolicyEnforcerRules): the chain is written afresh, then jumped to from mangle POSTROUTING once.
 */
export async function addNetworkPolicyChain(): Promise<void> {
  const { chain } = networkPolicyEnforcer;
  const mangle = (args: string[]) => run('iptables', ['-w', '-t', 'mangle', ...args]);
  await mangle(['-N', chain]).catch(() => mangle(['-F', chain]));
  for (const rule of networkPolicyEnforcerRules()) await mangle(['-A', chain, ...rule]);
  await mangle(['-C', 'POSTROUTING', '-j', chain]).catch(() => mangle(['-A', 'POSTROUTING', '-j', chain]));
}

/** Removes the jump and the chain; missing ones are fine. */
export async function removeNetworkPolicyChain(): Promise<void> {
  const { chain } = networkPolicyEnforcer;
  const mangle = (args: string[]) => run('iptables', ['-w', '-t', 'mangle', ...args]).catch(() => '');
  await mangle(['-D', 'POSTROUTING', '-j', chain]);
  await mangle(['-F', chain]);
  await mangle(['-X', chain]);
}

/**
 * The kubelet's own iptables objects (kube-proxy --cleanup removes only kube-proxy's): a canary chain per table that it
 * watches for flushes, a hint chain, and a filter chain that drops non-local traffic to 127.0.0.0/8, jumped to from
 * INPUT and OUTPUT. Removed for IPv4 and IPv6; a missing one is fine.
 */
async function removeKubeletRules(): Promise<void> {
  for (const command of ['iptables', 'ip6tables']) {
    const table = (name: string, args: string[]) => run(command, ['-w', '-t', name, ...args]).catch(() => '');
    await table('filter', ['-D', 'INPUT', '-j', 'KUBE-FIREWALL']);
    await table('filter', ['-D', 'OUTPUT', '-j', 'KUBE-FIREWALL']);
    for (const [name, chain] of [
      ['filter', 'KUBE-FIREWALL'],
      ['filter', 'KUBE-KUBELET-CANARY'],
      ['nat', 'KUBE-KUBELET-CANARY'],
      ['mangle', 'KUBE-KUBELET-CANARY'],
      ['mangle', 'KUBE-IPTABLES-HINT'],
    ] as const) {
      await table(name, ['-F', chain]);
      await table(name, ['-X', chain]);
    }
  }
}

/**
 * Removes the outside host, the bridge (the pods' veths went with their network namespaces) and restores the sysctls.
 */
export async function tearDownNodeNetwork(settings: HostSettings | undefined): Promise<void> {
  await removeKubeletRules();
  await removeOutsideHost();
  if (await linkExists(realNodeNetwork.bridge)) await ip(['link', 'del', realNodeNetwork.bridge]);
  if (settings?.ipForward !== undefined) setSysctl(ipForward, settings.ipForward);
  if (settings?.bridgeNetfilter !== undefined && existsSync(bridgeNetfilter))
    setSysctl(bridgeNetfilter, settings.bridgeNetfilter);
}

export async function linkExists(name: string): Promise<boolean> {
  try {
    await ip(['link', 'show', 'dev', name]);
    return true;
  } catch (error) {
    if (error instanceof CommandError) return false;
    throw error;
  }
}

function setSysctl(path: string, value: string): string {
  const previous = readFileSync(path, 'utf8').trim();
  if (previous !== value) writeFileSync(path, value);
  return previous;
}

function ip(args: readonly string[]): Promise<string> {
  return run('ip', args);
}
