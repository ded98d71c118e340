import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { createListerWatcher } from '../k8s/watch.ts';
import { Informer } from './informer.ts';
import { createLogger } from './logger.ts';
import type { WatchRestartReason } from './reflector.ts';
import * as fixtures from '../../../test/cluster/fixtures.ts';
import { useTestCluster } from './test/cluster-env.ts';
import { startFreezeProxy, type FreezeProxy } from './test/freeze-proxy.ts';
import { CONFIG_MAPS, apply, configMap, eventually, names } from './test/objects.ts';
import type { KubeObject } from './types.ts';

const cluster = useTestCluster(fixtures);
const log = createLogger({ level: process.env.RUNTIME_TEST_LOG === '1' ? 'debug' : 'silent' });
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freezeProxy(): Promise<FreezeProxy> {
  const proxy = await startFreezeProxy(new URL(cluster.kubeConfig().getCurrentCluster()?.server ?? ''));
  cleanups.push(() => proxy.close());
  return proxy;
}

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
  cleanups.push(() => informer.stop());
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

describe('a watch whose connection goes silent', () => {
  it('is restarted by the watchdog and catches up on what it missed', async () => {
    const proxy = await freezeProxy();
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
});

describe('an API server restart', () => {
  // One restart serves both tests: every test file of the run sees the outage, so the run should have few.
  let direct: Watched;
  let blinded: Watched;
  let restartedAt = 0;

  beforeAll(async () => {
    await apply(cluster, configMap('before-restart', { test: 'restart' }));
    await apply(cluster, configMap('doomed', { test: 'gone' }));
    await apply(cluster, configMap('kept', { test: 'gone' }));
    const proxy = await freezeProxy();
    direct = await watch('restart', cluster.kubeConfig());
    blinded = await watch('gone', kubeConfigFor(proxy.url), { idleTimeoutMs: 3000, watchTimeoutSeconds: 600 });

    // Blind one informer, change what it watches, and restart the API server: the new watch cache starts after the
    // informer's resourceVersion, so resuming gets 410 Gone ("too old resource version") and only a relist catches up.
    proxy.freeze();
    await cluster.kubectl(['delete', 'configmap', 'doomed', '-n', cluster.namespace]);
    await apply(cluster, configMap('born', { test: 'gone' }));
    await cluster.restartApiServer();
    restartedAt = performance.now();
    await apply(cluster, configMap('after-restart', { test: 'restart' }));
  }, 90_000);

  it('is survived by watches: a change made afterwards arrives within seconds', async () => {
    // At most one maximum backoff (30 s) after the API server is back; usually a few seconds.
    await eventually(
      'the change made after the restart',
      () => direct.informer.cache.get(cluster.namespace, 'after-restart'),
      35_000,
    );
    expect(performance.now() - restartedAt).toBeLessThan(30_000);
    expect(names(direct.informer.cache.list())).toEqual(await serverNames('restart'));
    expect(direct.restarts.length).toBeGreaterThan(0);
    await eventually('the watch to count as healthy again', () =>
      direct.informer.watchHealth().every((w) => w.healthy),
    );
  });

  it('makes a watch that fell behind relist (410 Gone) and delete from the cache what vanished meanwhile', async () => {
    await eventually(
      'the relist',
      () => blinded.events.includes('deleted doomed') && blinded.events.includes('added born'),
      30_000,
    );
    expect(blinded.restarts).toEqual(expect.arrayContaining(['idle', 'expired']));
    expect(names(blinded.informer.cache.list())).toEqual(['born', 'kept']);
    expect(names(blinded.informer.cache.list())).toEqual(await serverNames('gone'));
  });
});
