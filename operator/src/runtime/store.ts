import { applyDelta, jsonDelta } from './json-delta.ts';
import { keyOf, objectKeyOf, type KubeObject } from './types.ts';

/**
 * Read access to an informer's in-memory copy of one kind: what a reconcile reads instead of calling the API server.
 * Objects are deep-frozen: clone (structuredClone) before changing one.
 */
export interface Cache<T extends KubeObject> {
  get(namespace: string, name: string): T | undefined;
  /** Every object, or those of one namespace. */
  list(namespace?: string): T[];
  /** Objects whose controller owner reference (controller: true) has this UID: a primary's children. */
  listByOwner(ownerUid: string): T[];
  readonly size: number;
}

/** A change the store applied, for event handlers; `oldObject` is the previous state of a modification. */
export interface StoreChange<T extends KubeObject> {
  readonly type: 'added' | 'modified' | 'deleted';
  readonly object: T;
  readonly oldObject?: T;
}

/** The UID of an object's controller owner reference, if it has one. */
export function controllerOwnerUid(obj: KubeObject): string | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true)?.uid;
}

/** The last-applied copy `kubectl apply` (client-side) writes on an object: the whole object again, never read here. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What a store does to every object before it keeps it (controller-runtime's cache.TransformFunc): drops what no
 * reconcile reads. It may change the object it is given (a fresh one from the watch) and must keep metadata.name,
 * namespace, resourceVersion and ownerReferences.
 */
export type Transform = (obj: KubeObject) => KubeObject;

/**
 * How a store keeps its objects:
 * - `objects` (default): deep-frozen objects, returned as they are: no cost per read;
 * - `json`: each object's JSON text, parsed into a fresh frozen copy on every read (controller-runtime copies on read
 *   too). A V8 object tree from JSON takes three to four times its text, so this keeps a kind read a few times per
 *   reconcile (children by name) in about a third of the memory, for some microseconds per read;
 * - `json-delta`: the JSON text of how the object differs from the first object the store kept (json-delta.ts),
 *   applied to that first object on every read. Objects of one kind written by one builder differ in a few names and
 *   values, so a Deployment's 4 KB of text becomes a delta of about 1.2 KB; reads share the first object's
 *   unchanged (frozen) parts.
 */
export type CacheRepresentation = 'objects' | 'json' | 'json-delta';

export interface StoreOptions {
  readonly transform?: Transform;
  readonly representation?: CacheRepresentation;
}

/**
 * Drops metadata.managedFields (server-side-apply bookkeeping, often the larger half of a small object) and the
 * last-applied annotation of client-side `kubectl apply` (a second copy of the object); controllers never read either
 * from the cache.
 */
export function stripBookkeeping<T extends KubeObject>(obj: T): T {
  const metadata = obj.metadata;
  if (metadata?.managedFields !== undefined) delete metadata.managedFields;
  if (metadata?.annotations?.[lastAppliedAnnotation] !== undefined) {
    const { [lastAppliedAnnotation]: _dropped, ...rest } = metadata.annotations;
    metadata.annotations = rest;
  }
  return obj;
}

/** {@link stripBookkeeping}, then the kind's own transform, then a deep freeze: what a store keeps. */
export function prepareForCache<T extends KubeObject>(obj: T, transform?: Transform): T {
  const stripped = stripBookkeeping(obj);
  return deepFreeze(transform ? (transform(stripped) as T) : stripped);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** One cached object, with what the store's indexes and change detection need without reading it. */
interface Entry<T> {
  readonly value: T | string;
  readonly resourceVersion: string | undefined;
  readonly namespace: string;
  readonly ownerUid: string | undefined;
}

/** The cache of one kind, keyed by namespace/name and indexed by namespace and by controller owner UID. */
export class Store<T extends KubeObject> implements Cache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #byOwner = new Map<string, Set<string>>();
  readonly #byNamespace = new Map<string, Set<string>>();
  readonly #transform: Transform | undefined;
  readonly #representation: CacheRepresentation;
  /** For `json-delta`: the first object kept (frozen), the base of every entry's delta. */
  #base: T | undefined;

  constructor(options: StoreOptions = {}) {
    this.#transform = options.transform;
    this.#representation = options.representation ?? 'objects';
  }

  get size(): number {
    return this.#entries.size;
  }

  get(namespace: string, name: string): T | undefined {
    const entry = this.#entries.get(keyOf({ namespace, name }));
    return entry === undefined ? undefined : this.#read(entry);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.#entries.values()].map((entry) => this.#read(entry));
    return this.#lookup(this.#byNamespace.get(namespace));
  }

  listByOwner(ownerUid: string): T[] {
    return this.#lookup(this.#byOwner.get(ownerUid));
  }

  /** Inserts or replaces an object; returns undefined when the stored copy already has this resourceVersion. */
  upsert(obj: T): StoreChange<T> | undefined {
    const key = keyOf(objectKeyOf(obj));
    const old = this.#entries.get(key);
    if (old !== undefined && old.resourceVersion === obj.metadata?.resourceVersion) return undefined;
    const object = prepareForCache(obj, this.#transform);
    const entry: Entry<T> = {
      value: this.#encode(object),
      resourceVersion: object.metadata?.resourceVersion,
      namespace: object.metadata?.namespace ?? '',
      ownerUid: controllerOwnerUid(object),
    };
    this.#entries.set(key, entry);
    if (old !== undefined) this.#unindex(key, old);
    this.#index(key, entry);
    return old === undefined ? { type: 'added', object } : { type: 'modified', object, oldObject: this.#read(old) };
  }

  /** Removes an object; returns the last known state, or undefined when it was not stored. */
  delete(obj: T): StoreChange<T> | undefined {
    const key = keyOf(objectKeyOf(obj));
    const old = this.#entries.get(key);
    if (old === undefined) return undefined;
    this.#entries.delete(key);
    this.#unindex(key, old);
    return { type: 'deleted', object: prepareForCache(obj, this.#transform) };
  }

  /**
   * Makes the store's view of `namespace` (undefined: all namespaces) equal to a fresh list: returns the additions,
   * modifications (resourceVersion changed) and deletions (objects gone from the list) that this implied.
   */
  replace(namespace: string | undefined, items: readonly T[]): StoreChange<T>[] {
    const changes: StoreChange<T>[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(keyOf(objectKeyOf(item)));
      const change = this.upsert(item);
      if (change !== undefined) changes.push(change);
    }
    const scope = namespace === undefined ? [...this.#entries.keys()] : [...(this.#byNamespace.get(namespace) ?? [])];
    for (const key of scope) {
      const old = this.#entries.get(key);
      if (old === undefined || seen.has(key)) continue;
      this.#entries.delete(key);
      this.#unindex(key, old);
      changes.push({ type: 'deleted', object: this.#read(old) });
    }
    return changes;
  }

  #lookup(keys: Set<string> | undefined): T[] {
    if (keys === undefined) return [];
    return [...keys].flatMap((key) => {
      const entry = this.#entries.get(key);
      return entry === undefined ? [] : [this.#read(entry)];
    });
  }

  #index(key: string, entry: Entry<T>): void {
    add(this.#byNamespace, entry.namespace, key);
    if (entry.ownerUid !== undefined) add(this.#byOwner, entry.ownerUid, key);
  }
  #unindex(key: string, entry: Entry<T>): void {
    remove(this.#byNamespace, entry.namespace, key);
    if (entry.ownerUid !== undefined) remove(this.#byOwner, entry.ownerUid, key);
  }

  #encode(object: T): T | string {
    if (this.#representation === 'objects') return object;
    if (this.#representation === 'json') return JSON.stringify(object);
    this.#base ??= object;
    // Equal to the base: an empty delta, which gives a copy of it.
    return JSON.stringify(jsonDelta(this.#base, object) ?? {});
  }

  #read(entry: Entry<T>): T {
    if (typeof entry.value !== 'string') return entry.value;
    const parsed: unknown = JSON.parse(entry.value);
    return deepFreeze((this.#representation === 'json' ? parsed : applyDelta(this.#base, parsed)) as T);
  }
}

function add(index: Map<string, Set<string>>, value: string, key: string): void {
  let keys = index.get(value);
  if (keys === undefined) {
    keys = new Set();
    index.set(value, keys);
  }
  keys.add(key);
}

function remove(index: Map<string, Set<string>>, value: string, key: string): void {
  const keys = index.get(value);
  keys?.delete(key);
  if (keys?.size === 0) index.delete(value);
}
