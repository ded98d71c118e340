import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { kinds } from '../k8s/kinds.ts';
import type { ReconcileContext } from './context.ts';
import {
  databaseFinalizer,
  releaseFinalizerAnnotation,
  type DatabaseState,
  type ExternalDatabase,
} from './database.ts';
import type { ResolvedSpec } from './resolved-spec.ts';

const ref = (petStore: PetStore) => ({
  kind: kinds.PetStore,
  namespace: petStore.metadata.namespace,
  name: petStore.metadata.name,
});

/** Adds the database finalizer before anything outside the cluster is created for this PetStore. */
export async function ensureFinalizer(petStore: PetStore, ctx: ReconcileContext): Promise<void> {
  const finalizers = petStore.metadata.finalizers ?? [];
  if (finalizers.includes(databaseFinalizer)) return;
  await ctx.client.patchMetadata(ref(petStore), { finalizers: [...finalizers, databaseFinalizer] });
}

/**
 * One step of deleting a PetStore that holds the finalizer: the engine cleans up (snapshot, delete or retain), then
 * the finalizer goes. The release annotation skips the cleanup on an administrator's word.
 */
export async function finalize(
  petStore: PetStore,
  spec: ResolvedSpec,
  engine: ExternalDatabase | undefined,
  ctx: ReconcileContext,
): Promise<{ done: boolean; state?: DatabaseState }> {
  const finalizers = petStore.metadata.finalizers ?? [];
  if (!finalizers.includes(databaseFinalizer)) return { done: true };
  const released = petStore.metadata.annotations?.[releaseFinalizerAnnotation] === 'true';
  const step = released || !engine ? { done: true } : await engine.finalize(petStore, spec, ctx);
  if (!step.done) return step;
  if (released) {
    ctx.log.warn(
      { petStore: ref(petStore).name, namespace: petStore.metadata.namespace },
      'finalizer released by annotation; database left as is',
    );
  }
  await ctx.client.patchMetadata(ref(petStore), { finalizers: finalizers.filter((f) => f !== databaseFinalizer) });
  return step;
}
