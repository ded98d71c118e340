import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { createListerWatcher } from '../k8s/watch.ts';
import { Informer } from './informer.ts';
import { createLogger } from './logger.ts';
import type { WatchRestartReason } from './reflector.ts';
import { useTestCluster } from './test/cluster-env.ts';
import { startFreezeProxy, type FreezeProxy } from './test/freeze-proxy.ts';
import { CONFIG_MAPS, apply, configMap, eventually, names } from './test/objects.ts';
import type { KubeObject } from './types.ts';

const cluster = useTestCluster();
let proxy: FreezeProxy | undefined;
const informers: Informer<KubeObject>[] = [];
const log = createLogger({ level: process.env.RUNTIME_TEST_LOG === '1' ? 'debug' : 'silent' });

afterEach(async () => {
  await Promise.all(informers.splice(0).map((informer) => informer.stop()));
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await proxy?.close();
});

/** The test's kubeconfig with its server replaced by `server`. */
function kubeConfigFor(server: string): KubeConfig {
  const base = cluster.kubeConfig();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters.map((c) => ({ ...c, server })),
    users: base.users,
    contexts: base.contexts,
    currentContext: base.currentContext,
  });
  return kc;
}

interface Watched {
  informer: Informer<KubeObject>;
  events: string[];
  restarts: WatchRestartReason[];
}

/** An informer on this test's ConfigMaps labelled `test=<label>`, through `kc`. */
async function watch(
  label: string,
  kc: KubeConfig,
  options: { idleTimeoutMs?: number; watchTimeoutSeconds?: number } = {},
): Promise<Watched> {
  const spec = { ...CONFIG_MAPS, labelSelector: `test=${label}` };
  const events: string[] = [];
  const restarts: WatchRestartReason[] = [];
  const informer = new Informer<KubeObject>({
    spec,
    namespaces: [cluster.namespace],
    createListerWatcher: (namespace) => createListerWatcher(kc, spec, namespace),
    log,
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.watchTimeoutSeconds === undefined
      ? {}
      : { watchTimeoutSeconds: () => options.watchTimeoutSeconds ?? 0 }),
    onWatchRestart: (reason) => restarts.push(reason),
  });
  informer.addEventHandler((e) => events.push(`${e.type} ${e.object.metadata?.name ?? ''}`));
  informers.push(informer);
  informer.start();
  await informer.waitForSync(30_000);
  await eventually('the watch to open', () => informer.watchHealth().every((w) => w.watching));
  return { informer, events, restarts };
}

/** What the API server holds now, by name. */
async function serverNames(label: string): Promise<string[]> {
  const out = await cluster.kubectl([
    'get',
    'configmaps',
    '-n',
    cluster.namespace,
    '-l',
    `test=${label}`,
    '-o',
    'json',
  ]);
  return names((JSON.parse(out) as { items: KubeObject[] }).items);
}

describe('watches that never go silent', () => {
  it('restarts a watch whose connection went silent (watchdog) and catches up on what it missed', async () => {
    proxy = await startFreezeProxy(new URL(cluster.kubeConfig().getCurrentCluster()?.server ?? ''));
    // A long server timeout: only the watchdog can notice the frozen connection.
    const { informer, restarts } = await watch('silent', kubeConfigFor(proxy.url), {
      idleTimeoutMs: 3000,
      watchTimeoutSeconds: 600,
    });

    expect(proxy.freeze()).toBeGreaterThan(0);
    await apply(cluster, configMap('made-while-frozen', { test: 'silent' }));

    await eventually('the change made while the watch was frozen', () =>
      informer.cache.get(cluster.namespace, 'made-while-frozen'),
    );
    expect(restarts).toContain('idle');
    expect(restarts).not.toContain('expired'); // resumed from its resourceVersion, no relist needed
  });

  it('resumes after an API server restart, and a change made afterwards arrives within seconds', async () => {
    await apply(cluster, configMap('before-restart', { test: 'restart' }));
    const { informer, restarts } = await watch('restart', cluster.kubeConfig());

    await cluster.restartApiServer();
    await apply(cluster, configMap('after-restart', { test: 'restart' }));

    await eventually(
      'the change made after the restart',
      () => informer.cache.get(cluster.namespace, 'after-restart'),
      10_000,
    );
    expect(names(informer.cache.list())).toEqual(await serverNames('restart'));
    expect(restarts.length).toBeGreaterThan(0);
    await eventually('/readyz to count the watch as healthy again', () =>
      informer.watchHealth().every((w) => w.healthy),
    );
  });

  it('relists on 410 Gone and deletes from the cache what vanished while it could not see', async () => {
    await apply(cluster, configMap('doomed', { test: 'gone' }));
    await apply(cluster, configMap('kept', { test: 'gone' }));
    proxy = await startFreezeProxy(new URL(cluster.kubeConfig().getCurrentCluster()?.server ?? ''));
    const { informer, events, restarts } = await watch('gone', kubeConfigFor(proxy.url), {
      idleTimeoutMs: 3000,
      watchTimeoutSeconds: 600,
    });

    // Blind the informer, change things, and restart the API server: its new watch cache starts after the informer's
    // resourceVersion, so resuming gets 410 Gone ("too old resource version") and only a fresh list can catch up.
    proxy.freeze();
    await cluster.kubectl(['delete', 'configmap', 'doomed', '-n', cluster.namespace]);
    await apply(cluster, configMap('born', { test: 'gone' }));
    await cluster.restartApiServer();

    await eventually('the relist', () => events.includes('deleted doomed') && events.includes('added born'), 30_000);
    expect(restarts).toEqual(expect.arrayContaining(['idle', 'expired']));
    expect(names(informer.cache.list())).toEqual(['born', 'kept']);
    expect(names(informer.cache.list())).toEqual(await serverNames('gone'));
  });
});
