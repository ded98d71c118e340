// Replicas hand-over between the operator and the autoscaler (issue 13, item 5), watched on the API server: turning
// autoscaling on for a Deployment running 5 pods never drops them (server-side apply would reset the count to 1 when
// the operator stops setting it; a second field manager holds it until the autoscaler takes it), turning it off keeps
// the 5 until the spec says otherwise, and a new PetStore with autoscaling starts at its minReplicas, never at 1. The
// kwok cluster's autoscaler has no metrics, so it keeps any count between its bounds: every change seen is the
// operator's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Watch, type V1Deployment } from '@kubernetes/client-node';
import { kubeConfig, kubectl, useNamespace, waitFor } from '../../test/cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from '../../test/e2e/operator.ts';

const namespace = useNamespace();
let operator: OperatorProcess;

/** Every .spec.replicas the API server reports for a Deployment, from a watch: a dip cannot hide between polls. */
class ReplicaWatch {
  readonly seen: number[] = [];
  private request: { abort(): void } | undefined;

  async start(name: string): Promise<void> {
    this.request = await new Watch(kubeConfig()).watch(
      `/apis/apps/v1/namespaces/${namespace.name}/deployments`,
      { fieldSelector: `metadata.name=${name}` },
      (_type: string, deployment: V1Deployment) => {
        const replicas = deployment.spec?.replicas;
        if (replicas !== undefined && replicas !== this.seen.at(-1)) this.seen.push(replicas);
      },
      () => undefined,
    );
  }

  stop(): void {
    this.request?.abort();
  }
}

const apply = (yaml: string): Promise<string> =>
  kubectl(['-n', namespace.name, 'apply', '--server-side', '--field-manager=app-team', '-f', '-'], { input: yaml });

const petStore = (name: string, scaling: string): string => `
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: ${name} }
spec:
  database: { engine: external, external: { secretName: db } }
  ${scaling}
`;

async function deployment(name: string): Promise<V1Deployment> {
  return JSON.parse(
    await kubectl(['-n', namespace.name, 'get', 'deployment', name, '-o', 'json', '--show-managed-fields']),
  ) as V1Deployment;
}

/** Field managers that set .spec.replicas (apply or update, not the scale subresource's status). */
async function replicaOwners(name: string): Promise<string[]> {
  return ((await deployment(name)).metadata?.managedFields ?? [])
    .filter((entry) => JSON.stringify(entry.fieldsV1 ?? {}).includes('"f:replicas"') && !entry.subresource)
    .map((entry) => entry.manager ?? '')
    .sort();
}

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({ args: [`--namespaces=${namespace.name}`] });
  await kubectl([
    '-n',
    namespace.name,
    'create',
    'secret',
    'generic',
    'db',
    '--from-literal=DATABASE_URL=postgres://u:p@db:5432/x',
  ]);
}, 120_000);
afterAll(async () => {
  await operator.stop();
});

describe('replicas between the operator and the autoscaler', () => {
  const watch = new ReplicaWatch();
  afterAll(() => watch.stop());

  it('keeps 5 running pods when autoscaling is turned on, and when it is turned off again', async () => {
    await apply(petStore('shop', 'replicas: 5'));
    await waitFor(async () => (await deployment('shop')).spec?.replicas === 5 || undefined, 60_000, '5 replicas');
    await watch.start('shop');

    await apply(petStore('shop', 'autoscaling: { minReplicas: 2, maxReplicas: 10 }'));
    await waitFor(
      async () => {
        const hpa = await kubectl(['-n', namespace.name, 'get', 'hpa', '-o', 'name']);
        const owners = await replicaOwners('shop');
        return hpa.includes('shop') && !owners.includes('petstore-operator') ? owners : undefined;
      },
      60_000,
      'the autoscaler, with the operator no longer setting replicas',
    );
    // Another reconcile with the autoscaler in place changes nothing either.
    await kubectl(['-n', namespace.name, 'label', '--overwrite', 'petstore/shop', 'nudge=1']);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await deployment('shop')).spec?.replicas).toBe(5);

    await apply(petStore('shop', ''));
    await waitFor(
      async () => !(await kubectl(['-n', namespace.name, 'get', 'hpa', '-o', 'name'])).includes('shop') || undefined,
      60_000,
      'the autoscaler to go',
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await deployment('shop')).spec?.replicas).toBe(5);
    watch.stop();
    expect(watch.seen).toEqual([5]);

    // The spec says otherwise: now it changes.
    await apply(petStore('shop', 'replicas: 3'));
    await waitFor(async () => (await deployment('shop')).spec?.replicas === 3 || undefined, 60_000, '3 replicas');
  }, 240_000);

  it('starts a new PetStore with autoscaling at its minReplicas, never at 1', async () => {
    const fresh = new ReplicaWatch();
    await fresh.start('fresh');
    try {
      await apply(petStore('fresh', 'autoscaling: { minReplicas: 3, maxReplicas: 6 }'));
      await waitFor(
        async () => {
          const owners = await replicaOwners('fresh').catch(() => ['petstore-operator']);
          return fresh.seen.length > 0 && !owners.includes('petstore-operator') ? true : undefined;
        },
        60_000,
        'the Deployment, with replicas handed to the autoscaler',
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    } finally {
      fresh.stop();
    }
    expect(fresh.seen).toEqual([3]);
  }, 120_000);
});
