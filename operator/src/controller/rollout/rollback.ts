// Automatic rollback, executed (spec.rollout; the decision itself is rollback-decision.ts, pure). Before the workflow:
// a PetStore rolled back at this generation runs its last healthy release, verified against the Deployment's
// ReplicaSets. After the workflow: the release the Deployment runs is judged, and a failing one is rolled back on the
// next pass. ReplicaSets and pods are listed by label only when a release is failing or rolled back, never cached.
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import { selectorLabels } from '../../builders/metadata.ts';
import { kinds } from '../../k8s/kinds.ts';
import { rolloutState } from '../observe.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';
import type { ReconcileContext } from '../context.ts';
import { decideRollback, templateRelease, type ReleaseStatus, type RollbackDecision } from './rollback-decision.ts';
import { podProblem, type WorkloadProblem } from './workload-problems.ts';

/** How soon the pass after a rollback decision comes, to put the last healthy release back. */
export const rollbackRequeueMs = 1000;

const selector = (petStore: PetStore): string =>
  Object.entries(selectorLabels(petStore))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

function previousRelease(petStore: PetStore): ReleaseStatus | undefined {
  return (petStore.status as { release?: ReleaseStatus } | undefined)?.release;
}

async function replicaSetsOf(petStore: PetStore, ctx: ReconcileContext): Promise<V1ReplicaSet[]> {
  return ctx.client.list<V1ReplicaSet>(kinds.ReplicaSet, petStore.metadata.namespace, selector(petStore));
}

async function podsOf(petStore: PetStore, ctx: ReconcileContext): Promise<V1Pod[]> {
  const pods = await ctx.client.list<V1Pod>(kinds.Pod, petStore.metadata.namespace, selector(petStore));
  // The migration Job's pods share the instance label; only the API pods tell how the release runs.
  return pods.filter((pod) => pod.metadata?.labels?.['batch.kubernetes.io/job-name'] === undefined);
}

/**
 * The image to run instead of spec.image: the last healthy release, while this generation stays rolled back (a spec
 * change rolls forward). Verified against the ReplicaSets (status alone is not trusted) by the decision.
 */
export async function rolledBackImage(
  petStore: PetStore,
  spec: ResolvedSpec,
  ctx: ReconcileContext,
): Promise<string | undefined> {
  const previous = previousRelease(petStore);
  const generation = petStore.metadata.generation ?? 0;
  if (previous?.rolledBack?.generation !== generation || !previous.lastHealthy || !spec.rollout.automaticRollback) {
    return undefined;
  }
  const decision = decideRollback({
    generation,
    desired: { image: spec.image, configChecksum: previous.current?.configChecksum ?? '' },
    rollout: spec.rollout,
    previous,
    deployment: undefined,
    replicaSets: await replicaSetsOf(petStore, ctx),
    pods: [],
    now: ctx.now(),
  });
  return decision.action === 'rollback' ? decision.release.image : undefined;
}

/**
 * Judges the release the Deployment runs after this pass: keep it, roll back to the last healthy one, or hold a failed
 * one. Undefined before the Deployment exists. ReplicaSets and pods are read only when the release has failed.
 */
export async function judgeRelease(
  petStore: PetStore,
  spec: ResolvedSpec,
  deployment: V1Deployment | undefined,
  ctx: ReconcileContext,
): Promise<RollbackDecision | undefined> {
  if (!deployment) return undefined;
  const running = templateRelease(deployment);
  const previous = previousRelease(petStore);
  const generation = petStore.metadata.generation ?? 0;
  // The spec's release with the configuration the Deployment was given in this pass (the same for any image).
  const desired = { image: spec.image, configChecksum: running?.configChecksum ?? '' };
  const base = {
    generation,
    desired,
    rollout: spec.rollout,
    previous,
    deployment,
    now: ctx.now(),
  };
  const first = decideRollback({ ...base, replicaSets: [], pods: [] });
  const rolledBackHere = previous?.rolledBack?.generation === generation;
  if (first.action === 'keep' && !rolledBackHere) return first;
  return decideRollback({
    ...base,
    replicaSets: await replicaSetsOf(petStore, ctx),
    pods: await podsOf(petStore, ctx),
  });
}

/**
 * How often an incomplete rollout is looked at again: pods are not watched, so why they cannot run (an image pull
 * that fails seconds after the pod starts) is polled while the rollout lasts, and only then.
 */
export const podProblemRecheckMs = 10_000;

/**
 * While the Deployment's rollout is not complete: what is wrong with its pods (an image that cannot be pulled, a crash
 * loop, a container that cannot start), so Ready says so before the rollout timeout; `none` when nothing is wrong
 * yet. Undefined when no rollout is under way: pods are listed only during one.
 */
export async function rolloutPodProblem(
  petStore: PetStore,
  deployment: V1Deployment | undefined,
  ctx: ReconcileContext,
): Promise<WorkloadProblem | 'none' | undefined> {
  if (!deployment || rolloutState(deployment).complete) return undefined;
  return podProblem(await podsOf(petStore, ctx)) ?? 'none';
}

/** When to look again while a release is rolling out: when its timeout runs out, if nothing happens before. */
export function releaseRecheckMs(
  decision: RollbackDecision | undefined,
  deployment: V1Deployment | undefined,
  spec: ResolvedSpec,
  now: Date,
): number | undefined {
  if (decision?.action === 'rollback' && decision.event) return rollbackRequeueMs;
  const since = decision?.status.current?.since;
  if (decision?.action !== 'keep' || !since || rolloutState(deployment).complete) return undefined;
  const left = Date.parse(since) + spec.rollout.timeoutSeconds * 1000 - now.getTime();
  return Math.max(1000, left + 1000);
}
