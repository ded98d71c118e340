import { stringify } from 'yaml';
import { run } from './processes.ts';
import { waitFor } from './wait.ts';

/** The simulated nodes, one per availability zone of the moto network, sized so benchmarks can schedule thousands of pods. */
export const fakeNodeZones = ['a', 'b', 'c'] as const;

function fakeNode(zone: string, index: number, region: string): object {
  const name = `kwok-node-${String(index)}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      // kwok manages the nodes with this annotation (control-plane.ts), and no other: the real node has a kubelet.
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': 'kwok',
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': `${region}${zone}`,
        type: 'kwok',
      },
    },
    // No taint: the kwok docs taint fake nodes, which would keep every ordinary Deployment's pods Pending.
    spec: {},
    status: {
      allocatable: { cpu: '256', memory: '1Ti', pods: '1000', 'ephemeral-storage': '10Ti' },
      capacity: { cpu: '256', memory: '1Ti', pods: '1000', 'ephemeral-storage': '10Ti' },
    },
  };
}

/** Creates (or keeps) the fake nodes and resolves once kwok reports every one Ready. */
export async function ensureFakeNodes(kubectl: string, kubeconfig: string, region: string): Promise<void> {
  const manifest = fakeNodeZones.map((zone, index) => stringify(fakeNode(zone, index, region))).join('---\n');
  await run(
    kubectl,
    ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager=petstore-cluster', '-f', '-'],
    {
      input: manifest,
    },
  );
  await waitFor(
    async () => {
      const out = await run(kubectl, [
        '--kubeconfig',
        kubeconfig,
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      const ready = out.split('\n').filter((status) => status === 'True').length;
      return ready >= fakeNodeZones.length;
    },
    60_000,
    'kwok to report the fake nodes Ready',
  );
}
