import type { KubernetesObject } from '@kubernetes/client-node';
import { controllerReference } from '../builders/metadata.ts';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { ResourceKind } from '../k8s/kinds.ts';
import type { ReconcileContext } from './context.ts';
import { dependents, type BuildInputs, type Dependent } from './dependents.ts';
import { isUpToDate, withDesiredHash } from './up-to-date.ts';

/** What one pass changed, for events and logs. */
export interface ApplyOutcome {
  applied: string[];
  deleted: string[];
  /** Children as they are after this pass (freshly applied ones from the server's answer). */
  live: Map<string, KubernetesObject>;
}

/**
 * Brings every child to its desired state: applies what differs from the cache, deletes children whose feature is
 * off. Writes nothing when everything is already as desired.
 */
export async function applyChildren(
  inputs: BuildInputs,
  stage: Dependent['stage'],
  ctx: ReconcileContext,
  outcome: ApplyOutcome = { applied: [], deleted: [], live: new Map() },
): Promise<ApplyOutcome> {
  const { petStore } = inputs;
  for (const dependent of dependents.filter((d) => d.stage === stage)) {
    const name = dependent.name(petStore);
    const desired = dependent.desired(inputs);
    const live = ctx.cache.get(dependent.kind, petStore.metadata.namespace, name);
    const result = await ensure(dependent.kind, name, desired, live, petStore, ctx);
    if (result.changed === 'applied') outcome.applied.push(dependent.kind.kind);
    if (result.changed === 'deleted') outcome.deleted.push(dependent.kind.kind);
    if (result.object) outcome.live.set(dependent.kind.kind, result.object);
  }
  return outcome;
}

interface EnsureResult {
  changed?: 'applied' | 'deleted';
  object?: KubernetesObject;
}

/** Applies `desired` unless `live` already matches it; deletes `live` when nothing is desired and the PetStore owns it. */
export async function ensure(
  kind: ResourceKind,
  name: string,
  desired: KubernetesObject | undefined,
  live: KubernetesObject | undefined,
  owner: PetStore | undefined,
  ctx: ReconcileContext,
): Promise<EnsureResult> {
  if (!desired) {
    if (!live) return {};
    const ours =
      owner === undefined || live.metadata?.ownerReferences?.some((ref) => ref.uid === controllerReference(owner).uid);
    if (!ours) return { object: live };
    await ctx.client.delete({ kind, namespace: live.metadata?.namespace ?? '', name });
    return { changed: 'deleted' };
  }
  const hashed = withDesiredHash(desired);
  if (live && isUpToDate(hashed, live)) return { object: live };
  const applied = await ctx.client.apply(hashed);
  return { changed: 'applied', object: applied };
}
