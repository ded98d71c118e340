// Test objects and small helpers shared by the runtime's cluster tests.
import type { TestCluster } from './cluster-env.ts';
import type { KubeObject, WatchSpec } from '../types.ts';

export const CONFIG_MAPS: WatchSpec = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
export const SECRETS: WatchSpec = { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true };

export interface Owner {
  readonly name: string;
  readonly uid: string;
}

/** A ConfigMap manifest (JSON) with labels, data and optionally a controller owner reference to a ConfigMap. */
export function configMap(
  name: string,
  labels: Record<string, string>,
  data: Record<string, string> = {},
  owner?: Owner,
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels, ...ownerReferences(owner) },
    data,
  });
}

/** A Secret manifest (JSON) owned (controller: true) by a ConfigMap. */
export function ownedSecret(name: string, labels: Record<string, string>, owner: Owner): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, labels, ...ownerReferences(owner) } });
}

function ownerReferences(owner: Owner | undefined): object {
  if (owner === undefined) return {};
  return {
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.name, uid: owner.uid, controller: true }],
  };
}

/** Applies a manifest in the test namespace and returns the stored object. */
/** An object as the API server returned it, with the metadata it always sets. */
export interface Stored extends KubeObject {
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string };
}

export async function apply(cluster: TestCluster, manifest: string): Promise<Stored> {
  const out = await cluster.kubectl(['apply', '-n', cluster.namespace, '-o', 'json', '-f', '-'], manifest);
  return JSON.parse(out) as Stored;
}

export function names(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => o.metadata?.name ?? '').sort();
}

/** Polls until `probe` returns a truthy value; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
