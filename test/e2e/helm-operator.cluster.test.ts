// The operator as a platform team runs it (issue 16, item 5): `helm install` of the chart puts the operator on the real
// node as pods from its own image, with the chart's RBAC, security context and resource limits, and it reconciles a
// PetStore whose pods run there too; `helm upgrade` to a newly built operator image rolls the operator with a leader
// handover while a PetStore changes, and that change converges; `helm test` passes (its Job runs kubectl from an image
// too); `helm uninstall` leaves the PetStores and what they made. The CRD is shared with the other test files of the
// run, so it is installed from crds/ (crds.enabled=false); that uninstall keeps the chart's own CRD is proven by
// test/chart/helm.cluster.test.ts on a copy in its own API group.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { helm, kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { buildNextImage } from '../cluster/images.ts';
import { ctr } from '../cluster/real-node.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { installCrd } from './operator.ts';
import { repoRoot } from './operator-process.ts';

// The operator in a namespace of its own, as docs/install.md says (the quota the operator makes in an application
// namespace counts every pod there, so operator pods in it would take the PetStores' room); the PetStores in another.
const system = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const release = `pso-${Math.random().toString(36).slice(2, 7)}`;
const fullname = `${release}-petstore-operator`;
const chart = join(repoRoot, 'charts', 'petstore-operator');

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: {
    nodeName?: string;
    containers: { image: string; resources: { limits?: Record<string, string> } }[];
  };
  status: { conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount: number }[] };
}

const operatorPods = async (): Promise<Pod[]> =>
  (
    JSON.parse(
      await kubectl([
        '-n',
        system.name,
        'get',
        'pods',
        '-l',
        `app.kubernetes.io/instance=${release},app.kubernetes.io/name=petstore-operator`,
        '-o',
        'json',
      ]),
    ) as { items: Pod[] }
  ).items.filter((pod) => !pod.metadata.name.includes('-test-'));

const ready = (pod: Pod): boolean =>
  pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

const lease = async (): Promise<{ holderIdentity?: string; leaseTransitions?: number }> =>
  (
    JSON.parse(await kubectl(['-n', system.name, 'get', 'lease', fullname, '-o', 'json'])) as {
      spec: { holderIdentity?: string; leaseTransitions?: number };
    }
  ).spec;

const imageValues = (ref: string): string[] => [
  '--set',
  `image.repository=${ref.slice(0, ref.lastIndexOf(':'))}`,
  '--set',
  `image.tag=${ref.slice(ref.lastIndexOf(':') + 1)}`,
];

/** What every install and upgrade passes: the real node's images, and this file's application namespace only. */
const values = (): string[] => [
  '--namespace',
  system.name,
  '--set',
  'crds.enabled=false',
  '--set-json',
  `watchNamespaces=${JSON.stringify([namespace.name])}`,
  '--set',
  `petstoreDefaults.apiImage=${realNode().images.api.ref}`,
  '--set',
  `tests.image.repository=${realNode().images.kubectl.ref.slice(0, realNode().images.kubectl.ref.lastIndexOf(':'))}`,
  '--set',
  `tests.image.tag=${realNode().images.kubectl.ref.slice(realNode().images.kubectl.ref.lastIndexOf(':') + 1)}`,
  '--set',
  'logLevel=debug',
];

async function petStoreState(name: string): Promise<{ ready?: string; generation: number; observed?: number }> {
  const petStore = JSON.parse(await kubectl(['-n', namespace.name, 'get', `petstore/${name}`, '-o', 'json'])) as {
    metadata: { generation: number };
    status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
  };
  return {
    ready: petStore.status?.conditions?.find((c) => c.type === 'Ready')?.status,
    generation: petStore.metadata.generation,
    ...(petStore.status?.observedGeneration === undefined ? {} : { observed: petStore.status.observedGeneration }),
  };
}

const applyPetStore = (name: string, logLevel: string): Promise<string> =>
  kubectl(['-n', namespace.name, 'apply', '--server-side', '--field-manager=app-team', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'petstore.example.com/v1alpha1',
      kind: 'PetStore',
      metadata: { name },
      spec: { config: { environment: 'development', logLevel }, database: { engine: 'sqlite' } },
    }),
  });

beforeAll(async () => {
  await installCrd();
}, 120_000);

afterAll(async () => {
  await helm(['uninstall', release, '--namespace', system.name, '--wait']).catch(() => undefined);
  // Nothing reconciles this namespace any more: let its deletion proceed without the operator's finalizer.
  const names = await kubectl(['-n', namespace.name, 'get', 'petstores', '-o', 'name']).catch(() => '');
  for (const name of names.split('\n').filter(Boolean)) {
    await kubectl(['-n', namespace.name, 'patch', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  }
}, 120_000);

describe('the operator installed with helm on the real node', () => {
  it('runs from its image as the chart says (two pods, its limits, non-root) and reconciles a PetStore to Ready', async () => {
    const output = await helm([
      'install',
      release,
      chart,
      ...values(),
      ...imageValues(realNode().images.operator.ref),
      '--wait',
      '--timeout',
      '5m',
    ]);
    expect(output).toContain('STATUS: deployed');

    const pods = await operatorPods();
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec.nodeName).toBe(realNodeNetwork.nodeName);
      expect(pod.spec.containers[0]?.image).toBe(realNode().images.operator.ref);
      expect(pod.spec.containers[0]?.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
      expect(ready(pod)).toBe(true);
    }
    // One of them leads (the holder is `<pod>_<process id>`).
    const leader = await waitFor(async () => (await lease()).holderIdentity || undefined, 60_000, 'a leader');
    expect(pods.map((p) => p.metadata.name)).toContain(leader?.split('_')[0]);

    await applyPetStore('shop', 'info');
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=240s']);
    const apiPods = JSON.parse(
      await kubectl(['-n', namespace.name, 'get', 'pods', '-l', 'app.kubernetes.io/instance=shop', '-o', 'json']),
    ) as { items: Pod[] };
    expect(apiPods.items.length).toBeGreaterThan(0);
    expect(apiPods.items.every((p) => p.spec.nodeName === realNodeNetwork.nodeName && ready(p))).toBe(true);
  }, 420_000);

  it('upgrades to a newly built operator image: the leader hands over, and a PetStore changed meanwhile converges', async () => {
    const before = await lease();
    const oldPods = new Set((await operatorPods()).map((p) => p.metadata.name));
    const next = await buildNextImage(realNode().images.operator, `upgrade-${Date.now()}`, (args) =>
      ctr(realNode(), args),
    );

    const upgrade = helm(['upgrade', release, chart, ...values(), ...imageValues(next), '--wait', '--timeout', '5m']);
    upgrade.catch(() => undefined); // awaited below
    // Change the PetStore while the old operator pods are going away (the leader among them, sooner or later).
    await waitFor(
      async () => (await operatorPods()).some((p) => oldPods.has(p.metadata.name) && p.metadata.deletionTimestamp),
      180_000,
      'an old operator pod to be terminating',
      250,
    );
    await applyPetStore('shop', 'debug');
    expect(await upgrade).toContain('STATUS: deployed');

    const pods = await operatorPods();
    expect(pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]?.image)).toEqual([
      next,
      next,
    ]);
    const after = await waitFor(
      async () => {
        const current = await lease();
        const pod = current.holderIdentity?.split('_')[0];
        return pod && !oldPods.has(pod) ? current : undefined;
      },
      60_000,
      'a new operator pod to lead',
    );
    expect(after!.leaseTransitions).toBeGreaterThan(before.leaseTransitions ?? 0);

    const converged = await waitFor(
      async () => {
        const state = await petStoreState('shop');
        return state.ready === 'True' && state.observed === state.generation ? state : undefined;
      },
      120_000,
      'the PetStore changed during the upgrade to be Ready at its new generation',
    );
    expect(converged!.generation).toBeGreaterThan(1);
    const config = await kubectl(['-n', namespace.name, 'get', 'configmap', 'shop-config', '-o', 'jsonpath={.data}']);
    expect(config).toContain('debug');

    // Under the chart's memory limit, the new pods have not been OOM-killed (nor restarted for any reason); their
    // working set, as metrics-server reads it from the kubelet, is printed for docs/benchmarks.md.
    for (const pod of (await operatorPods()).filter((p) => !p.metadata.deletionTimestamp)) {
      expect(pod.status.containerStatuses?.[0]?.restartCount).toBe(0);
    }
    const top = await waitFor(
      () => kubectl(['-n', system.name, 'top', 'pods', '-l', `app.kubernetes.io/instance=${release}`]),
      90_000,
      'metrics for the operator pods',
      5_000,
    ).catch((error: unknown) => `(no metrics yet: ${String(error)})`);
    process.stdout.write(`operator pods under the chart's limits (kubectl top):\n${top}\n`);
  }, 600_000);

  it('passes helm test, whose Job applies a PetStore and waits for it with kubectl from an image', async () => {
    const output = await helm(['test', release, '--namespace', system.name, '--timeout', '5m']);
    expect(output).toMatch(/Phase:\s+Succeeded/);
  }, 360_000);

  it('uninstalls the operator and leaves the PetStores and what they made', async () => {
    await helm(['uninstall', release, '--namespace', system.name, '--wait', '--timeout', '2m']);
    await waitFor(async () => (await operatorPods()).length === 0 || undefined, 90_000, 'the operator pods to go');
    expect(await kubectl(['-n', namespace.name, 'get', 'petstore/shop', '-o', 'name'])).toContain('shop');
    expect(await kubectl(['-n', namespace.name, 'get', 'deployment/shop', '-o', 'name'])).toContain('shop');
    expect(await kubectl(['get', 'crd', 'petstores.petstore.example.com', '-o', 'name'])).toContain('petstores');
  }, 240_000);
});
