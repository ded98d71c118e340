import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { sharedNames } from '../builders/metadata.ts';
import { buildLimitRange, buildResourceQuota, type NamespaceMember } from '../builders/resource-quota.ts';
import { kinds } from '../k8s/kinds.ts';
import { ensure } from './apply-children.ts';
import type { ReconcileContext } from './context.ts';
import { resolveSpec } from './resolved-spec.ts';

/**
 * The namespace's ResourceQuota and LimitRange, computed from every PetStore in it (quotas are namespace-wide).
 * Runs on every PetStore's reconcile, including after one is deleted, so the sum always matches who is there.
 */
export async function ensureNamespaceObjects(namespace: string, ctx: ReconcileContext): Promise<string[]> {
  const members: NamespaceMember[] = ctx.cache
    .list<PetStore>(kinds.PetStore, namespace)
    .filter((petStore) => !petStore.metadata.deletionTimestamp)
    .map((petStore) => ({ petStore, spec: resolveSpec(petStore, ctx.defaults) }));
  const changed: string[] = [];
  for (const [kind, name, desired] of [
    [kinds.ResourceQuota, sharedNames.resourceQuota, buildResourceQuota(namespace, members)],
    [kinds.LimitRange, sharedNames.limitRange, buildLimitRange(namespace, members)],
  ] as const) {
    const live = ctx.cache.get(kind, namespace, name);
    const result = await ensure(kind, name, desired, live, undefined, ctx);
    if (result.changed) changed.push(kind.kind);
  }
  return changed;
}
