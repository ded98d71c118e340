/** The owner reference fields the runtime reads. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/** The metadata fields the runtime reads; any richer type (V1ObjectMeta, a CRD's) fits. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  ownerReferences?: readonly OwnerReference[];
  annotations?: Record<string, string>;
  managedFields?: unknown;
}

/**
 * Any Kubernetes object as the API server sends it: plain JSON, so timestamps are strings even where the
 * @kubernetes/client-node model types say Date. V1Deployment, V1Secret or a custom resource type all fit.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/**
 * What to list and watch: one resource of one API group version, optionally narrowed by selectors.
 * `group` is '' for the core API (Secrets, ConfigMaps, Services).
 */
export interface WatchSpec {
  readonly group: string;
  readonly version: string;
  /** The lower-case plural resource name used in URLs, e.g. `deployments`. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Server-side label selector, e.g. `app.kubernetes.io/managed-by=petstore-operator`; scope owned kinds with it. */
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /**
   * Applied to every object before it is cached (controller-runtime's ByObject Transform), after managedFields and
   * the last-applied annotation are dropped: strip what no reconcile reads (store.ts, Transform).
   */
  readonly transform?: (obj: KubeObject) => KubeObject;
  /** `objects` (default), `json` or `json-delta`: how the cache keeps them (store.ts, CacheRepresentation). */
  readonly representation?: 'objects' | 'json' | 'json-delta';
}

/** The identity of a namespaced (or cluster-scoped, namespace '') object: what a reconcile request carries. */
export interface ObjectKey {
  readonly namespace: string;
  readonly name: string;
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function keyOf(ref: ObjectKey): string {
  return ref.namespace === '' ? ref.name : `${ref.namespace}/${ref.name}`;
}

/** Inverse of {@link keyOf}. */
export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The key of an object from its metadata; throws when the object has no name (the API server never sends one). */
export function objectKeyOf(obj: KubeObject): ObjectKey {
  const name = obj.metadata?.name;
  if (name === undefined || name === '') throw new Error(`object of kind ${obj.kind ?? '?'} has no metadata.name`);
  return { namespace: obj.metadata?.namespace ?? '', name };
}

/** `group/version`, or `version` for the core group: the apiVersion written into objects of this kind. */
export function apiVersionOf(spec: Pick<WatchSpec, 'group' | 'version'>): string {
  return spec.group === '' ? spec.version : `${spec.group}/${spec.version}`;
}

/** The group of an apiVersion string (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A short human name for logs and metric labels, e.g. `deployments.apps` or `secrets`. */
export function resourceName(spec: Pick<WatchSpec, 'group' | 'plural'>): string {
  return spec.group === '' ? spec.plural : `${spec.plural}.${spec.group}`;
}
