import type { KubernetesObject } from '@kubernetes/client-node';
import { managedBySelector } from './builders/metadata.ts';
import type { ObjectCache, ReconcileContext } from './controller/context.ts';
import { createReconciler, type ExternalDatabases } from './controller/reconcile.ts';
import { kinds, type ResourceKind } from './k8s/kinds.ts';
import type { KubeObject, Manager, ObjectKey, WatchSpec } from './runtime/index.ts';

/** Children with a controller owner reference: a change reconciles their PetStore. */
const ownedKinds = [
  kinds.ServiceAccount,
  kinds.ConfigMap,
  kinds.Secret,
  kinds.NetworkPolicy,
  kinds.Service,
  kinds.Job,
  kinds.Deployment,
  kinds.HorizontalPodAutoscaler,
  kinds.PodDisruptionBudget,
  kinds.Ingress,
] as const;
/** Shared by every PetStore of a namespace (non-controller owner references): a change reconciles all of them. */
const sharedKinds = [kinds.ResourceQuota, kinds.LimitRange] as const;

/** The watch for a kind: the primary unfiltered, everything else only what the operator manages (label-scoped). */
export function watchSpecOf(kind: ResourceKind): WatchSpec {
  return kind === kinds.PetStore ? { ...kind } : { ...kind, labelSelector: managedBySelector };
}

/** Every kind the operator lists and watches. */
export const watchedKinds: readonly ResourceKind[] = [kinds.PetStore, ...ownedKinds, ...sharedKinds];

function petStoresOwning(object: KubeObject): ObjectKey[] {
  const namespace = object.metadata?.namespace ?? '';
  return (object.metadata?.ownerReferences ?? [])
    .filter((ref) => ref.kind === kinds.PetStore.kind)
    .map((ref) => ({ namespace, name: ref.name }));
}

/** The reconciler's read access, served from the manager's informer caches. */
export function cacheOf(manager: Manager): ObjectCache {
  return {
    get: <T extends KubernetesObject>(kind: ResourceKind, namespace: string, name: string) =>
      manager.informer<T>(watchSpecOf(kind)).cache.get(namespace, name),
    list: <T extends KubernetesObject>(kind: ResourceKind, namespace: string) =>
      manager.informer<T>(watchSpecOf(kind)).cache.list(namespace),
  };
}

/** Registers the PetStore controller: its primary, the children it owns and the namespace-shared objects. */
export function addPetStoreController(
  manager: Manager,
  ctx: Omit<ReconcileContext, 'cache'>,
  externalDatabases: ExternalDatabases = {},
): void {
  const reconciler = createReconciler({ ...ctx, cache: cacheOf(manager) }, externalDatabases);
  manager.addController({
    name: 'petstore',
    primary: watchSpecOf(kinds.PetStore),
    owns: ownedKinds.map(watchSpecOf),
    watches: sharedKinds.map((kind) => ({ spec: watchSpecOf(kind), map: petStoresOwning })),
    reconcile: (key, context) => reconciler.reconcile(key, context.log),
  });
}
