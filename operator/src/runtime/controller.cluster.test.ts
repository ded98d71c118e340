import { afterEach, describe, expect, it } from '@jest/globals';
import { createListerWatcher } from '../k8s/watch.ts';
import { Controller, type Reconciler } from './controller.ts';
import { PermanentError } from './errors.ts';
import { Informer } from './informer.ts';
import { createLogger } from './logger.ts';
import { RuntimeMetrics } from './metrics.ts';
import * as fixtures from '../../../test/cluster/fixtures.ts';
import { useTestCluster } from './test/cluster-env.ts';
import { CONFIG_MAPS, SECRETS, apply, configMap, eventually, ownedSecret } from './test/objects.ts';
import type { KubeObject, WatchSpec } from './types.ts';

const cluster = useTestCluster(fixtures);
const log = createLogger({ level: 'silent' });
const running: { controller: Controller<KubeObject>; informers: Informer<KubeObject>[] }[] = [];

afterEach(async () => {
  for (const { controller, informers } of running.splice(0)) {
    await controller.stop(5000);
    await Promise.all(informers.map((informer) => informer.stop()));
  }
});

function informer(spec: WatchSpec): Informer<KubeObject> {
  return new Informer<KubeObject>({
    spec,
    namespaces: [cluster.namespace],
    createListerWatcher: (namespace) => createListerWatcher(cluster.kubeConfig(), spec, namespace),
    log,
  });
}

/**
 * A controller over this test's ConfigMaps labelled `test=<scenario>` owning Secrets labelled
 * `test=<scenario>-child`, started once its caches are synced.
 */
async function run(scenario: string, reconcile: Reconciler, concurrency = 2) {
  const primary = informer({ ...CONFIG_MAPS, labelSelector: `test=${scenario}` });
  const owned = informer({ ...SECRETS, labelSelector: `test=${scenario}-child` });
  const metrics = new RuntimeMetrics();
  const controller = new Controller<KubeObject>({
    name: scenario,
    primary,
    owns: [owned],
    reconcile,
    concurrency,
    metrics,
    log,
  });
  running.push({ controller, informers: [primary, owned] });
  primary.start();
  owned.start();
  await Promise.all([primary.waitForSync(30_000), owned.waitForSync(30_000)]);
  controller.start();
  const result = async (label: string): Promise<number> => {
    const text = await metrics.registry.metrics();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`controller_runtime_reconcile_total{controller="${scenario}",result="${label}"}`));
    return Number(line?.split(' ').at(-1));
  };
  return { controller, primary, metrics, result };
}

const settle = (ms = 500): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Controller on a real API server', () => {
  it('reconciles each existing object once at start, then on each change to it or to a Secret it controls', async () => {
    const one = await apply(cluster, configMap('one', { test: 'map' }));
    await apply(cluster, configMap('two', { test: 'map' }));
    const calls: string[] = [];
    await run('map', ({ name }) => {
      calls.push(name);
      return Promise.resolve(undefined);
    });
    await eventually('both initial reconciles', () => calls.length === 2);
    await settle();
    expect(calls.sort()).toEqual(['one', 'two']);

    await apply(cluster, ownedSecret('one-secret', { test: 'map-child' }, one.metadata));
    await eventually('the owner to be reconciled after its Secret appeared', () => calls.length === 3);
    expect(calls[2]).toBe('one');

    // Not a controller reference: such a Secret belongs to nobody as far as the controller is concerned.
    await apply(
      cluster,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'loose-secret',
          labels: { test: 'map-child' },
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'two', uid: one.metadata.uid, controller: false },
          ],
        },
      }),
    );
    await apply(cluster, configMap('two', { test: 'map' }, { changed: 'yes' }));
    await eventually('the changed object to be reconciled', () => calls.length === 4);
    await settle();
    expect(calls.slice(3)).toEqual(['two']);
  });

  it('retries a failing reconcile with backoff until it succeeds, and counts every result', async () => {
    await apply(cluster, configMap('flaky', { test: 'retry' }));
    const retries: number[] = [];
    const { result } = await run('retry', (_request, { retries: attempt }) => {
      retries.push(attempt);
      return attempt < 2 ? Promise.reject(new Error(`transient failure ${attempt}`)) : Promise.resolve(undefined);
    });
    await eventually('the third attempt', () => retries.length === 3);
    await settle();
    expect(retries).toEqual([0, 1, 2]);
    expect(await result('error')).toBe(2);
    expect(await result('success')).toBe(1);
  });

  it('does not retry a PermanentError, and reconciles again once the object changes', async () => {
    await apply(cluster, configMap('invalid', { test: 'permanent' }));
    let calls = 0;
    const { metrics } = await run('permanent', () => {
      calls++;
      return calls === 1
        ? Promise.reject(new PermanentError('spec.image is empty; set it'))
        : Promise.resolve(undefined);
    });
    await eventually('the first reconcile', () => calls === 1);
    await settle(1000);
    expect(calls).toBe(1);
    expect(await metrics.registry.metrics()).toContain(
      'controller_runtime_terminal_reconcile_errors_total{controller="permanent"} 1',
    );

    await apply(cluster, configMap('invalid', { test: 'permanent' }, { image: 'fixed' }));
    await eventually('the reconcile after the fix', () => calls === 2);
  });

  it('reconciles again after the requested requeueAfterMs, without counting an error', async () => {
    await apply(cluster, configMap('polling', { test: 'requeue' }));
    let calls = 0;
    const { result } = await run('requeue', () => {
      calls++;
      return Promise.resolve(calls === 1 ? { requeueAfterMs: 300 } : undefined);
    });
    await eventually('the requeued reconcile', () => calls === 2);
    expect(await result('requeue_after')).toBe(1);
    expect(await result('error')).toBe(0);
  });

  it('never reconciles one object twice at once; changes made meanwhile cause exactly one more pass, which sees them', async () => {
    await apply(cluster, configMap('busy', { test: 'dirty' }, { version: '0' }));
    await apply(cluster, configMap('other', { test: 'dirty' }));
    const inFlight = new Set<string>();
    let overlapSameKey = false;
    let overlapOtherKey = false;
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const { primary } = await run('dirty', async ({ namespace, name }) => {
      if (inFlight.has(name)) overlapSameKey = true;
      inFlight.add(name);
      if (inFlight.size > 1) overlapOtherKey = true;
      try {
        if (name === 'busy') {
          seen.push(primary.cache.get(namespace, name)?.metadata?.resourceVersion ?? '');
          if (seen.length === 1) await blocked;
        } else {
          await eventually('busy to be in flight', () => inFlight.has('busy'));
        }
        return undefined;
      } finally {
        inFlight.delete(name);
      }
    });
    await eventually('the first reconcile of busy', () => seen.length === 1);
    let last = '';
    for (const version of ['1', '2', '3']) {
      last = (await apply(cluster, configMap('busy', { test: 'dirty' }, { version }))).metadata.resourceVersion;
    }
    await eventually(
      'the cache to hold the last change',
      () => primary.cache.get(cluster.namespace, 'busy')?.metadata?.resourceVersion === last,
    );
    release();
    await eventually('the second pass', () => seen.length === 2);
    await settle(1000);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(last);
    expect(overlapSameKey).toBe(false);
    expect(overlapOtherKey).toBe(true); // concurrency 2: another object was reconciled meanwhile
  });
});
