// Another controller's finalizer written while the operator's cache is stale: the operator's finalizer write (the
// client call ensureFinalizer and finalize make) must not overwrite it. The write carries the resourceVersion it was
// computed from, so the API server refuses it (409) and the workqueue retries from the fresh object.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import { kubeConfig, kubectl, useNamespace } from '../../test/cluster/fixtures.ts';
import { installCrd } from '../../test/e2e/operator.ts';
import { databaseFinalizer } from '../src/database/engine.ts';
import { createKubeClient } from '../src/k8s/client.ts';
import { kinds } from '../src/k8s/kinds.ts';

beforeAll(installCrd);

const otherFinalizer = 'backup.example.com/protect';

const metadataOf = async (namespace: string, name: string) =>
  (
    JSON.parse(await kubectl(['-n', namespace, 'get', 'petstore', name, '-o', 'json'])) as {
      metadata: { finalizers?: string[]; resourceVersion: string };
    }
  ).metadata;

describe('finalizer writes from a stale cache', () => {
  const namespace = useNamespace();

  it('never drop a finalizer another controller added meanwhile: the stale write gets 409 and changes nothing', async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: 'apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: shop }\nspec: {}\n',
    });
    const stale = await metadataOf(namespace.name, 'shop');
    // Another controller adds its finalizer; the operator's cache still holds `stale`.
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/shop',
      '--type=merge',
      '-p',
      `{"metadata":{"finalizers":["${otherFinalizer}"]}}`,
    ]);
    const client = createKubeClient(kubeConfig(), 'finalizer-test');
    const ref = { kind: kinds.PetStore, namespace: namespace.name, name: 'shop' };
    const write = client.patchMetadata(ref, {
      finalizers: [...(stale.finalizers ?? []), databaseFinalizer],
      resourceVersion: stale.resourceVersion,
    });
    await expect(write).rejects.toBeInstanceOf(ApiException);
    await expect(write).rejects.toMatchObject({ code: 409 });
    expect((await metadataOf(namespace.name, 'shop')).finalizers).toEqual([otherFinalizer]);

    // The retry computes from the fresh object and keeps both.
    const fresh = await metadataOf(namespace.name, 'shop');
    await client.patchMetadata(ref, {
      finalizers: [...(fresh.finalizers ?? []), databaseFinalizer],
      resourceVersion: fresh.resourceVersion,
    });
    expect((await metadataOf(namespace.name, 'shop')).finalizers).toEqual([otherFinalizer, databaseFinalizer]);
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/shop',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
  });
});
