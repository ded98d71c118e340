import { afterAll, describe, expect, it } from '@jest/globals';
import { createListerWatcher } from '../k8s/watch.ts';
import { Informer } from './informer.ts';
import { createLogger } from './logger.ts';
import * as fixtures from '../../../test/cluster/fixtures.ts';
import { useTestCluster } from './test/cluster-env.ts';
import { CONFIG_MAPS, SECRETS, apply, configMap, eventually, names, ownedSecret } from './test/objects.ts';
import type { KubeObject, WatchSpec } from './types.ts';

const cluster = useTestCluster(fixtures);
const informers: Informer<KubeObject>[] = [];
const log = createLogger({ level: 'silent' });

afterAll(async () => {
  await Promise.all(informers.map((informer) => informer.stop()));
});

function start(spec: WatchSpec): { informer: Informer<KubeObject>; events: string[] } {
  const informer = new Informer<KubeObject>({
    spec,
    namespaces: [cluster.namespace],
    createListerWatcher: (namespace) => createListerWatcher(cluster.kubeConfig(), spec, namespace),
    log,
  });
  const events: string[] = [];
  informer.addEventHandler((e) =>
    events.push(`${e.type} ${e.object.metadata?.name ?? ''}${e.initial ? ' (initial)' : ''}`),
  );
  informers.push(informer);
  informer.start();
  return { informer, events };
}

describe('Informer on a real API server', () => {
  it('caches only the objects its label selector matches, and follows objects entering and leaving it', async () => {
    await apply(cluster, configMap('scoped-a', { test: 'scoped' }));
    await apply(cluster, configMap('scoped-b', { test: 'other' }));
    const { informer, events } = start({ ...CONFIG_MAPS, labelSelector: 'test=scoped' });
    await informer.waitForSync(30_000);
    expect(names(informer.cache.list())).toEqual(['scoped-a']);

    await apply(cluster, configMap('scoped-c', { test: 'scoped' }));
    await cluster.kubectl(['label', 'configmap', 'scoped-b', 'test=scoped', '--overwrite', '-n', cluster.namespace]);
    await cluster.kubectl(['label', 'configmap', 'scoped-a', 'test=other', '--overwrite', '-n', cluster.namespace]);
    await cluster.kubectl(['delete', 'configmap', 'scoped-c', '-n', cluster.namespace]);
    await eventually('the last change to reach the cache', () => events.length === 5);

    expect(events).toEqual([
      'added scoped-a (initial)',
      'added scoped-c',
      'added scoped-b',
      'deleted scoped-a',
      'deleted scoped-c',
    ]);
    expect(names(informer.cache.list())).toEqual(['scoped-b']);
  });

  it("reports modifications with the old and new object, and indexes children by their controller owner's UID", async () => {
    const parent = await apply(cluster, configMap('parent', { test: 'parent' }));
    const other = await apply(cluster, configMap('other-parent', { test: 'parent' }));
    await apply(cluster, ownedSecret('child-1', { test: 'child' }, parent.metadata));
    await apply(cluster, ownedSecret('child-2', { test: 'child' }, parent.metadata));
    await apply(cluster, ownedSecret('child-3', { test: 'child' }, other.metadata));
    const { informer: secrets } = start({ ...SECRETS, labelSelector: 'test=child' });
    const { informer: parents, events } = start({ ...CONFIG_MAPS, labelSelector: 'test=parent' });
    await Promise.all([secrets.waitForSync(30_000), parents.waitForSync(30_000)]);

    expect(names(secrets.cache.listByOwner(parent.metadata.uid))).toEqual(['child-1', 'child-2']);
    expect(names(secrets.cache.listByOwner(other.metadata.uid))).toEqual(['child-3']);

    let modified: { old?: string; new?: string } = {};
    parents.addEventHandler((e) => {
      if (e.type === 'modified')
        modified = { old: e.oldObject?.metadata?.resourceVersion, new: e.object.metadata?.resourceVersion };
    });
    await apply(cluster, configMap('parent', { test: 'parent' }, { changed: 'yes' }));
    await eventually('the modification', () => modified.new !== undefined);
    expect(modified.old).toBe(parent.metadata.resourceVersion);
    expect(parents.cache.get(cluster.namespace, 'parent')?.metadata?.resourceVersion).toBe(modified.new);
    expect(events.filter((e) => e.startsWith('modified'))).toEqual(['modified parent']);

    await cluster.kubectl(['delete', 'secret', 'child-1', '-n', cluster.namespace]);
    await eventually(
      'child-1 to leave the owner index',
      () => secrets.cache.listByOwner(parent.metadata.uid).length === 1,
    );
  });

  it('names the watch and the server error when it cannot sync (here: a resource that does not exist)', async () => {
    const { informer } = start({
      group: 'petstore.example.com',
      version: 'v0',
      plural: 'nothings',
      kind: 'Nothing',
      namespaced: true,
    });
    await expect(informer.waitForSync(3000)).rejects.toThrow(
      /timed out after 3s waiting for caches to sync: nothings\.petstore\.example\.com in namespace \S+: .*404/,
    );
  });
});
