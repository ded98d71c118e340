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

/**
 * Drops metadata.managedFields (server-side-apply bookkeeping, often the larger half of a small object; controllers
 * never read it from the cache) and deep-freezes the rest so a reconcile cannot corrupt the cache by mutating it.
 */
export function prepareForCache<T extends KubeObject>(obj: T): T {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
  return deepFreeze(obj);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The cache of one kind, keyed by namespace/name and indexed by namespace and by controller owner UID. */
export class Store<T extends KubeObject> implements Cache<T> {
  readonly #objects = new Map<string, T>();
  readonly #byOwner = new Map<string, Set<string>>();
  readonly #byNamespace = new Map<string, Set<string>>();

  get size(): number {
    return this.#objects.size;
  }

  get(namespace: string, name: string): T | undefined {
    return this.#objects.get(keyOf({ namespace, name }));
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.#objects.values()];
    return this.#lookup(this.#byNamespace.get(namespace));
  }

  listByOwner(ownerUid: string): T[] {
    return this.#lookup(this.#byOwner.get(ownerUid));
  }

  /** Inserts or replaces an object; returns undefined when the stored copy already has this resourceVersion. */
  upsert(obj: T): StoreChange<T> | undefined {
    const key = keyOf(objectKeyOf(obj));
    const old = this.#objects.get(key);
    if (old !== undefined && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return undefined;
    const object = prepareForCache(obj);
    this.#objects.set(key, object);
    if (old !== undefined) this.#unindex(key, old);
    this.#index(key, object);
    return old === undefined ? { type: 'added', object } : { type: 'modified', object, oldObject: old };
  }

  /** Removes an object; returns the last known state, or undefined when it was not stored. */
  delete(obj: T): StoreChange<T> | undefined {
    const key = keyOf(objectKeyOf(obj));
    const old = this.#objects.get(key);
    if (old === undefined) return undefined;
    this.#objects.delete(key);
    this.#unindex(key, old);
    return { type: 'deleted', object: prepareForCache(obj) };
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
    const scope = namespace === undefined ? [...this.#objects.keys()] : [...(this.#byNamespace.get(namespace) ?? [])];
    for (const key of scope) {
      const old = this.#objects.get(key);
      if (old === undefined || seen.has(key)) continue;
      this.#objects.delete(key);
      this.#unindex(key, old);
      changes.push({ type: 'deleted', object: old });
    }
    return changes;
  }

  #lookup(keys: Set<string> | undefined): T[] {
    if (keys === undefined) return [];
    return [...keys].flatMap((key) => this.#objects.get(key) ?? []);
  }

  #index(key: string, obj: T): void {
    add(this.#byNamespace, obj.metadata?.namespace ?? '', key);
    const owner = controllerOwnerUid(obj);
    if (owner !== undefined) add(this.#byOwner, owner, key);
  }

  #unindex(key: string, obj: T): void {
    remove(this.#byNamespace, obj.metadata?.namespace ?? '', key);
    const owner = controllerOwnerUid(obj);
    if (owner !== undefined) remove(this.#byOwner, owner, key);
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
