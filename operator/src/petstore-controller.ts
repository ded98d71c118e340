import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { Gauge } from 'prom-client';
import type { PetStore } from './api/v1alpha1/petstore.ts';
import { conditionMetric, conditionSamples } from './controller/condition-metrics.ts';
import { isApiKeysSecret } from './builders/api-keys.ts';
import { managedBySelector } from './builders/metadata.ts';
import type { ObjectCache, ReconcileContext } from './controller/context.ts';
import type { Engines } from './controller/dependent.ts';
import { dependents } from './controller/dependents.ts';
import { createReconciler } from './controller/reconcile.ts';
import { sqliteEngine } from './database/sqlite.ts';
import { externalEngine } from './database/external.ts';
import { kinds, type ResourceKind } from './k8s/kinds.ts';
import { groupOf, type KubeObject, type Manager, type ObjectKey, type WatchSpec } from './runtime/index.ts';

const unique = (list: ResourceKind[]): ResourceKind[] => [...new Set(list)];

/** Children with a controller owner reference (from the declared workflow): a change reconciles their PetStore. */
export const ownedKinds: readonly ResourceKind[] = unique(
  dependents.flatMap((d) => (d.policy === 'apply' || d.policy === 'create-only' ? [d.kind] : [])),
);
/** Shared by every PetStore of a namespace: a change reconciles one of them, which ensures them. */
export const sharedKinds: readonly ResourceKind[] = unique(
  dependents.flatMap((d) => (d.policy === 'shared' ? [d.kind] : [])),
);

/** Kinds whose status a reconcile judges: the Deployment's rollout (observe.ts), the migration Job's completion. */
const statusJudged: readonly ResourceKind[] = [kinds.Deployment, kinds.Job];

/**
 * What the cache keeps of a child, beyond the runtime's own stripping (controller-runtime's per-object transform):
 * its status only where a reconcile judges it, and of the API keys Secret (create-only: its existence and owner are all
 * a reconcile reads of it) no data, so the users' keys never sit in the operator's memory.
 */
export function cacheTransform(kind: ResourceKind): ((obj: KubeObject) => KubeObject) | undefined {
  const own = childTransform(kind);
  if (!ownedKinds.includes(kind)) return own;
  // An object that carries the operator's label but no PetStore controls (a tenant can label anything in their
  // namespace) is kept as a stub: enough to refuse its name (NameConflict), nothing a tenant could grow or feed in.
  return (object) => (controlledByPetStore(object) ? (own ? own(object) : object) : unownedStub(object));
}

/** True when a PetStore is the object's controller (its ownerReference with controller: true). */
export function controlledByPetStore(object: KubeObject): boolean {
  return (object.metadata?.ownerReferences ?? []).some(
    (ref) =>
      ref.controller === true && ref.kind === kinds.PetStore.kind && groupOf(ref.apiVersion) === kinds.PetStore.group,
  );
}

/** What the cache keeps of an object no PetStore controls: its identity and its controller, if any. */
export function unownedStub(object: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, ownerReferences } = object.metadata ?? {};
  const controller = ownerReferences?.find((ref) => ref.controller === true);
  return {
    ...(object.apiVersion ? { apiVersion: object.apiVersion } : {}),
    ...(object.kind ? { kind: object.kind } : {}),
    metadata: {
      ...(name !== undefined ? { name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(uid !== undefined ? { uid } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(controller ? { ownerReferences: [controller] } : {}),
    },
  };
}

/** The per-kind stripping of a child the operator controls. */
function childTransform(kind: ResourceKind): ((obj: KubeObject) => KubeObject) | undefined {
  if (kind === kinds.Secret) {
    return (object) => {
      const secret = object as V1Secret;
      if (isApiKeysSecret(secret)) delete secret.data;
      return secret;
    };
  }
  if (statusJudged.includes(kind)) return undefined;
  return (object: KubeObject & { status?: unknown }) => {
    delete object.status;
    return object;
  };
}

/**
 * The watch for a kind: the primary unfiltered and kept as objects (every reconcile lists a namespace's PetStores for
 * its quota); every child only what the operator manages (label-scoped), transformed, and kept as a JSON delta
 * against the first one of its kind (each is read by name a few times per reconcile; siblings of one kind differ in
 * a few names and values, so this takes well under half the memory of their text).
 */
export function watchSpecOf(kind: ResourceKind): WatchSpec {
  // PetStoreBackups are the users' objects (no operator label), and few: cached whole, like PetStores.
  if (kind === kinds.PetStore || kind === kinds.PetStoreBackup) return { ...kind };
  const transform = cacheTransform(kind);
  return {
    ...kind,
    labelSelector: managedBySelector,
    representation: 'json-delta',
    ...(transform ? { transform } : {}),
  };
}

/** Kinds served only where optional CRDs are installed (the Prometheus Operator's): watched only when discovered. */
export const optionalKinds: readonly ResourceKind[] = [kinds.ServiceMonitor, kinds.PrometheusRule];

/** Whether the operator watches `kind`: always, or for an optional kind when discovery found it at start. */
function watched(kind: ResourceKind, monitoringServed: boolean): boolean {
  return !optionalKinds.includes(kind) || monitoringServed;
}

/** Every kind the operator lists and watches where everything is served. */
export const watchedKinds: readonly ResourceKind[] = [kinds.PetStore, ...ownedKinds, ...sharedKinds];

/** The kinds the operator watches in a cluster that serves the Prometheus Operator's kinds, or does not. */
export function watchedKindsWhere(monitoringServed: boolean): readonly ResourceKind[] {
  return watchedKinds.filter((kind) => watched(kind, monitoringServed));
}

/** The database engines built in; rds is added by main.ts when configured. */
export const builtinEngines: Engines = { sqlite: sqliteEngine, external: externalEngine };

function anyPetStoreIn(manager: Manager, object: KubeObject): ObjectKey[] {
  const namespace = object.metadata?.namespace ?? '';
  const first = manager.informer(watchSpecOf(kinds.PetStore)).cache.list(namespace)[0];
  return first?.metadata?.name ? [{ namespace, name: first.metadata.name }] : [];
}

/**
 * The reconciler's read access, served from the manager's informer caches. A kind the cluster does not serve has no
 * informer and no objects.
 */
export function cacheOf(manager: Manager, monitoringServed = false): ObjectCache {
  return {
    get: <T extends KubernetesObject>(kind: ResourceKind, namespace: string, name: string) =>
      watched(kind, monitoringServed) ? manager.informer<T>(watchSpecOf(kind)).cache.get(namespace, name) : undefined,
    list: <T extends KubernetesObject>(kind: ResourceKind, namespace: string) =>
      watched(kind, monitoringServed) ? manager.informer<T>(watchSpecOf(kind)).cache.list(namespace) : [],
  };
}

/** Registers the PetStore controller: its primary, the children it owns and the namespace-shared objects. */
export function addPetStoreController(
  manager: Manager,
  ctx: Omit<ReconcileContext, 'cache'>,
  engines: Engines = {},
): void {
  const monitoringServed = ctx.defaults.monitoringServed === true;
  const reconciler = createReconciler(
    { ...ctx, cache: cacheOf(manager, monitoringServed) },
    { ...builtinEngines, ...engines },
  );
  const petStores = manager.informer<PetStore>(watchSpecOf(kinds.PetStore)).cache;
  new Gauge({
    ...conditionMetric,
    registers: [manager.metrics.registry],
    collect() {
      this.reset();
      for (const sample of conditionSamples(petStores.list())) this.set(sample.labels, sample.value);
    },
  });
  manager.addController({
    name: 'petstore',
    primary: watchSpecOf(kinds.PetStore),
    owns: ownedKinds.filter((kind) => watched(kind, monitoringServed)).map(watchSpecOf),
    // A change to a shared object needs one reconcile in its namespace (each one ensures them); any PetStore there will do.
    watches: sharedKinds.map((kind) => ({ spec: watchSpecOf(kind), map: (object) => anyPetStoreIn(manager, object) })),
    reconcile: (key, context) =>
      reconciler.reconcile(key, { log: context.log, signal: context.signal, fence: context.fence }),
  });
}
