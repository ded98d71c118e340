// Attacker: a PetStore named after an object its author did not create (the namespace's `default` ServiceAccount, a
// user's Service). The operator must not take it over: the PetStore is Stalled naming the object, which stays as it was.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, useNamespace } from '../../test/cluster/fixtures.ts';
import { installCrd } from '../../test/e2e/operator.ts';
import { pass } from './workflow-pass.ts';

beforeAll(installCrd);

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

const petStore = (name: string) =>
  `apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: ${name} }\nspec: {}\n`;

async function stalled(namespace: string, name: string): Promise<Condition | undefined> {
  const json = await kubectl(['-n', namespace, 'get', 'petstore', name, '-o', 'json']);
  const conditions = (JSON.parse(json) as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
  return conditions.find((c) => c.type === 'Stalled');
}

const snapshotOf = async (namespace: string, resource: string) =>
  JSON.parse(await kubectl(['-n', namespace, 'get', resource, '-o', 'json'])) as {
    metadata: { resourceVersion: string; ownerReferences?: unknown[]; labels?: Record<string, string> };
    spec?: unknown;
  };

describe('attacker: a PetStore named after an object it did not create', () => {
  const namespace = useNamespace();

  it('named default: Stalled with NameConflict naming the default ServiceAccount, which is left untouched', async () => {
    const before = await snapshotOf(namespace.name, 'serviceaccount/default');
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], { input: petStore('default') });
    const writes = await pass(namespace.name, 'default');
    expect(writes.filter((w) => w.kind === 'ServiceAccount')).toEqual([]);
    expect(await stalled(namespace.name, 'default')).toMatchObject({
      status: 'True',
      reason: 'NameConflict',
      message: expect.stringContaining(
        `ServiceAccount ${namespace.name}/default already exists and was not created by this PetStore`,
      ) as unknown as string,
    });
    const after = await snapshotOf(namespace.name, 'serviceaccount/default');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata.ownerReferences).toBeUndefined();
  });

  it('named like a user’s Service: Stalled naming the Service, whose spec, labels and owner stay the user’s', async () => {
    await kubectl(['-n', namespace.name, 'create', 'service', 'clusterip', 'shop', '--tcp=5432:5432']);
    const before = await snapshotOf(namespace.name, 'service/shop');
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], { input: petStore('shop') });
    const writes = await pass(namespace.name, 'shop');
    expect(writes.filter((w) => w.kind === 'Service')).toEqual([]);
    expect(await stalled(namespace.name, 'shop')).toMatchObject({
      status: 'True',
      reason: 'NameConflict',
      message: expect.stringContaining(`Service ${namespace.name}/shop already exists`) as unknown as string,
    });
    const after = await snapshotOf(namespace.name, 'service/shop');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec).toEqual(before.spec);
  });

  it('even when the object carries the operator’s labels (so it is in the cache): never taken over', async () => {
    await kubectl(['-n', namespace.name, 'create', 'configmap', 'lure-config', '--from-literal=owner=user']);
    await kubectl([
      '-n',
      namespace.name,
      'label',
      'configmap/lure-config',
      'app.kubernetes.io/managed-by=petstore-operator',
      'app.kubernetes.io/instance=lure',
    ]);
    const before = await snapshotOf(namespace.name, 'configmap/lure-config');
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], { input: petStore('lure') });
    await pass(namespace.name, 'lure');
    expect((await stalled(namespace.name, 'lure'))?.reason).toBe('NameConflict');
    const after = await snapshotOf(namespace.name, 'configmap/lure-config');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});
