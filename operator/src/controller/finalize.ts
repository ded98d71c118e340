import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { databaseFinalizer, type DatabaseEngine, type DatabaseState } from '../database/engine.ts';
import { kinds } from '../k8s/kinds.ts';
import { PermanentError } from '../runtime/errors.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';
import type { ReconcileContext } from './context.ts';

/**
 * One step of deleting a PetStore that holds the finalizer: the engine cleans up (snapshot, delete or retain), then
 * the finalizer goes. There is no annotation to skip the cleanup: it would grant nothing a namespace editor's own
 * `patch` of the finalizers does not, and deletionPolicy Retain keeps the database on purpose.
 */
export async function finalize(
  petStore: PetStore,
  spec: ResolvedSpec,
  engine: DatabaseEngine | undefined,
  ctx: ReconcileContext,
): Promise<{ done: boolean; state?: DatabaseState }> {
  const finalizers = petStore.metadata.finalizers ?? [];
  if (!finalizers.includes(databaseFinalizer)) return { done: true };
  if (!engine?.finalize) {
    // Never release a database without cleaning it up: an operator restarted without its rds settings must say so.
    throw new PermanentError(
      `the PetStore holds the ${databaseFinalizer} finalizer for its ${spec.database.engine} database, but this operator is not configured for ${spec.database.engine}: configure it (the chart's rds values) so it can apply deletionPolicy`,
      { reason: 'EngineNotConfigured' },
    );
  }
  const step = await engine.finalize(petStore, spec, ctx);
  if (!step.done) return step;
  await ctx.client.patchMetadata(
    { kind: kinds.PetStore, namespace: petStore.metadata.namespace, name: petStore.metadata.name },
    {
      finalizers: finalizers.filter((f) => f !== databaseFinalizer),
      resourceVersion: petStore.metadata.resourceVersion ?? '',
    },
  );
  return step;
}
