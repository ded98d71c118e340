// The reconciler driven directly, in this process, against the local API server: each pass reads a fresh snapshot of
// the namespace (what the informer caches hold once synced) and records every write it makes.
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import { kubeConfig } from '../../test/cluster/fixtures.ts';
import type { ObjectCache } from '../src/controller/context.ts';
import { createReconciler } from '../src/controller/reconcile.ts';
import { createKubeClient, type KubeClient } from '../src/k8s/client.ts';
import { apiVersionOf, type ResourceKind } from '../src/k8s/kinds.ts';
import { toWire } from '../src/k8s/wire.ts';
import { builtinEngines, watchedKindsWhere, watchSpecOf } from '../src/petstore-controller.ts';
import { builtinDefaults } from '../src/spec/operator-defaults.ts';
import { prepareForCache } from '../src/runtime/store.ts';

export interface Write {
  verb: 'apply' | 'delete' | 'status' | 'finalizers';
  kind: string;
}

/** The operator's client, recording every write (events are not counted: they are best effort). */
function recordingClient(writes: Write[]): KubeClient {
  const client = createKubeClient(kubeConfig(), 'workflow-test');
  return {
    ...client,
    apply: async (object) => {
      writes.push({ verb: 'apply', kind: object.kind ?? '' });
      return client.apply(object);
    },
    delete: async (ref) => {
      writes.push({ verb: 'delete', kind: ref.kind.kind });
      return client.delete(ref);
    },
    applyStatus: async (object, kind, status) => {
      writes.push({ verb: 'status', kind: kind.kind });
      return client.applyStatus(object, kind, status);
    },
    patchMetadata: async (ref, metadata) => {
      writes.push({ verb: 'finalizers', kind: ref.kind.kind });
      return client.patchMetadata(ref, metadata);
    },
  };
}

/** Every watched kind in `namespace`, listed as the informers would (label-scoped but for PetStores). */
async function snapshot(namespace: string): Promise<ObjectCache> {
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig());
  const byKind = new Map<ResourceKind, KubernetesObject[]>();
  // The test cluster does not serve the Prometheus Operator's kinds.
  for (const kind of watchedKindsWhere(false)) {
    const spec = watchSpecOf(kind);
    const list = await objects.list(
      apiVersionOf(kind),
      kind.kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      spec.labelSelector,
    );
    // As the informers hold them: wire JSON (client-node's models rename `from`, `default`), with apiVersion and kind,
    // stripped by the cache's transforms (so a reconcile that needed what they drop would fail here).
    byKind.set(
      kind,
      list.items.map((item) =>
        prepareForCache(toWire({ ...item, apiVersion: apiVersionOf(kind), kind: kind.kind }), spec.transform),
      ),
    );
  }
  return {
    get: <T extends KubernetesObject>(kind: ResourceKind, ns: string, name: string) =>
      byKind.get(kind)?.find((o) => o.metadata?.namespace === ns && o.metadata.name === name) as T | undefined,
    list: <T extends KubernetesObject>(kind: ResourceKind, ns: string) =>
      (byKind.get(kind) ?? []).filter((o) => o.metadata?.namespace === ns) as T[],
  };
}

/** One reconcile of `name` on a fresh snapshot; the writes it made. */
export async function pass(namespace: string, name: string): Promise<Write[]> {
  const writes: Write[] = [];
  const reconciler = createReconciler(
    {
      cache: await snapshot(namespace),
      client: recordingClient(writes),
      defaults: builtinDefaults,
      log: pino({ level: 'silent' }),
      now: () => new Date(),
    },
    builtinEngines,
  );
  await reconciler.reconcile({ namespace, name }).catch(() => undefined);
  return writes;
}
