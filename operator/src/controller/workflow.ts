import type { KubernetesObject } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { controllerReference } from '../builders/metadata.ts';
import { databaseFinalizer } from '../database/engine.ts';
import { handOverFieldManager, isConflict } from '../k8s/client.ts';
import { kinds } from '../k8s/kinds.ts';
import { PermanentError } from '../runtime/errors.ts';
import type { BuildInputs, NamespaceInputs } from '../spec/build-inputs.ts';
import { resolveSpec, type ResolvedSpec } from '../spec/resolved-spec.ts';
import type { ReconcileContext } from './context.ts';
import {
  isWait,
  type ChildDependent,
  type Dependent,
  type DependentId,
  type Engines,
  type ExternalDependent,
  type ExternalObservation,
  type Observation,
  type SharedDependent,
} from './dependent.ts';
import { dependents } from './dependents.ts';
import { isUpToDate, withDesiredHash } from './up-to-date.ts';
import { newApiKey } from './api-key.ts';

/** What one pass of the workflow saw and did. */
export interface WorkflowResult {
  observations: ReadonlyMap<DependentId, Observation>;
  /** The external dependent's (the database's) state; undefined when the pass stopped before it. */
  database?: ExternalObservation;
  /** Kinds written and deleted, for the pass's event. */
  applied: string[];
  deleted: string[];
}

/**
 * Runs the declared workflow for one PetStore, in order: each dependent is skipped (Blocked) when a dependency could
 * not be reconciled, removed when its precondition is false, and otherwise brought to its desired state by its policy.
 * Reads come from the informer caches; a steady state writes nothing. Errors propagate to the error policy.
 */
export async function runWorkflow(
  petStore: PetStore,
  spec: ResolvedSpec,
  engines: Engines,
  ctx: ReconcileContext,
  workflow: readonly Dependent[] = dependents,
): Promise<WorkflowResult> {
  const observations = new Map<DependentId, Observation>();
  const result: WorkflowResult = { observations, applied: [], deleted: [] };
  let inputs: BuildInputs | undefined;
  for (const dependent of workflow) {
    const blockedBy = dependent.dependsOn.find((id) => {
      const phase = observations.get(id)?.phase;
      return phase === 'Waiting' || phase === 'Blocked';
    });
    if (blockedBy !== undefined) {
      observations.set(dependent.id, { phase: 'Blocked', message: `waiting for ${blockedBy}` });
      continue;
    }
    switch (dependent.policy) {
      case 'external': {
        const database = await resolveExternal(dependent, petStore, spec, engines, ctx);
        result.database = database;
        if (database.connection) {
          inputs = { petStore, spec, connection: database.connection, generatedApiKey: newApiKey() };
        }
        observations.set(dependent.id, {
          phase: !database.connection ? 'Waiting' : database.state.ready ? 'Ready' : 'Pending',
          message: database.state.message,
        });
        break;
      }
      case 'shared':
        observations.set(dependent.id, await ensureShared(dependent, petStore.metadata.namespace, ctx, result));
        break;
      default: {
        if (!inputs) throw new Error(`dependent ${dependent.id} must depend on the database (it needs its connection)`);
        observations.set(dependent.id, await ensureChild(dependent, inputs, observations, ctx, result));
      }
    }
  }
  return result;
}

/** Only the namespace-shared dependents: after a PetStore is gone, so the quota follows who is left. */
export async function runSharedDependents(
  namespace: string,
  ctx: ReconcileContext,
  workflow: readonly Dependent[] = dependents,
): Promise<WorkflowResult> {
  const result: WorkflowResult = { observations: new Map(), applied: [], deleted: [] };
  for (const dependent of workflow) {
    if (dependent.policy !== 'shared') continue;
    (result.observations as Map<DependentId, Observation>).set(
      dependent.id,
      await ensureShared(dependent, namespace, ctx, result),
    );
  }
  return result;
}

async function resolveExternal(
  dependent: ExternalDependent,
  petStore: PetStore,
  spec: ResolvedSpec,
  engines: Engines,
  ctx: ReconcileContext,
): Promise<ExternalObservation> {
  const engine = dependent.engine(spec, engines);
  if (!engine) {
    throw new PermanentError(
      `database engine ${spec.database.engine} is not configured in this operator (for rds: set the chart's rds.dbSubnetGroupName, env RDS_DB_SUBNET_GROUP)`,
      { reason: 'EngineNotConfigured' },
    );
  }
  // An engine that creates something outside the cluster holds the finalizer first, so nothing can leak.
  if (engine.finalize) await ensureFinalizer(petStore, ctx);
  return engine.resolve(petStore, spec, ctx);
}

/** Adds the database finalizer before anything outside the cluster is created for this PetStore. */
async function ensureFinalizer(petStore: PetStore, ctx: ReconcileContext): Promise<void> {
  const finalizers = petStore.metadata.finalizers ?? [];
  if (finalizers.includes(databaseFinalizer)) return;
  await ctx.client.patchMetadata(
    { kind: kinds.PetStore, namespace: petStore.metadata.namespace, name: petStore.metadata.name },
    { finalizers: [...finalizers, databaseFinalizer], resourceVersion: petStore.metadata.resourceVersion ?? '' },
  );
}

async function ensureChild(
  dependent: ChildDependent,
  inputs: BuildInputs,
  observations: ReadonlyMap<DependentId, Observation>,
  ctx: ReconcileContext,
  result: WorkflowResult,
): Promise<Observation> {
  const { petStore } = inputs;
  const namespace = petStore.metadata.namespace;
  if (dependent.when && !dependent.when(inputs)) {
    for (const live of ownedInstances(dependent, petStore, ctx, dependent.name(inputs), false)) {
      await remove(dependent, live, ctx, result);
    }
    return { phase: 'NotWanted' };
  }
  const name = dependent.name(inputs);
  const before = ctx.cache.get(dependent.kind, namespace, name);
  const desired = dependent.desired(inputs, {
    live: before,
    observation: (id) => {
      const observation = observations.get(id);
      if (!observation) throw new Error(`dependent ${dependent.id} reads ${id}, which is not in its dependsOn`);
      return observation;
    },
  });
  if (isWait(desired)) return { phase: 'Waiting', message: `waiting for ${desired.wait}`, ...live(before) };
  let current = before ?? (await ctx.client.read({ kind: dependent.kind, namespace, name }));
  refuseNameConflict(dependent, current, petStore);
  let wrote: Observation['wrote'];
  if (dependent.policy === 'create-only') {
    if (!current) {
      current = await ctx.client.apply(withDesiredHash(desired));
      wrote = 'created';
    }
  } else {
    const hashed = withDesiredHash(desired);
    if (!current || !isUpToDate(hashed, current)) {
      const handOver = dependent.handOver?.(inputs, desired, current);
      if (handOver && current) await applyHandOver(handOver, ctx);
      const created = !current;
      current = await ctx.client.apply(hashed);
      if (handOver && created) await applyHandOver(handOver, ctx);
      wrote = 'applied';
    }
  }
  if (wrote) result.applied.push(dependent.kind.kind);
  const readiness = dependent.ready ? dependent.ready(current) : { ready: true, message: '' };
  if (readiness.ready && dependent.generationLabel) {
    for (const older of ownedInstances(dependent, petStore, ctx, name, true))
      await remove(dependent, older, ctx, result);
  }
  return {
    phase: readiness.ready ? 'Ready' : readiness.failed ? 'Failed' : 'Pending',
    message: readiness.message,
    live: current,
    ...(wrote ? { wrote } : {}),
  };
}

/**
 * Holds fields under the hand-over field manager without taking them from anyone: when another controller already
 * owns them with a different value (the autoscaler scaled meanwhile), the conflict means the hand-over has happened.
 */
async function applyHandOver(object: KubernetesObject, ctx: ReconcileContext): Promise<void> {
  try {
    await ctx.client.apply(object, { fieldManager: handOverFieldManager, force: false });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/** True when `object` carries this PetStore's controller reference. */
function controlledBy(object: KubernetesObject, petStore: PetStore): boolean {
  const uid = controllerReference(petStore).uid;
  return object.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;
}

/**
 * The operator never takes over an object it did not create: a child's name held by an object without this PetStore's
 * controller reference (the namespace's `default` ServiceAccount, a user's Service named like the PetStore, an object
 * someone labelled as the operator's) stops the PetStore, and the object is left as it is.
 */
function refuseNameConflict(dependent: ChildDependent, live: KubernetesObject | undefined, petStore: PetStore): void {
  if (!live || controlledBy(live, petStore)) return;
  const owner = live.metadata?.ownerReferences?.find((ref) => ref.controller === true);
  const held = owner ? `is controlled by ${owner.kind} ${owner.name}` : 'was not created by this PetStore';
  throw new PermanentError(
    `${dependent.kind.kind} ${petStore.metadata.namespace}/${live.metadata?.name ?? ''} already exists and ${held}; ` +
      'the operator never takes over an object it did not create. Rename or delete that object, or give the PetStore another name',
    { reason: 'NameConflict' },
  );
}

/**
 * Instances of a child this PetStore owns: the one named `name`, or for a child with generations every one carrying
 * its label, except `name` itself when `keepNamed`. Never an object another owner controls.
 */
function ownedInstances(
  dependent: ChildDependent,
  petStore: PetStore,
  ctx: ReconcileContext,
  name: string,
  keepNamed: boolean,
): KubernetesObject[] {
  const namespace = petStore.metadata.namespace;
  const owned = (object: KubernetesObject) => controlledBy(object, petStore);
  if (dependent.generationLabel) {
    const label = dependent.generationLabel;
    return ctx.cache
      .list(dependent.kind, namespace)
      .filter((o) => o.metadata?.labels?.[label] === 'true' && !(keepNamed && o.metadata.name === name) && owned(o));
  }
  const live = ctx.cache.get(dependent.kind, namespace, name);
  return live && owned(live) ? [live] : [];
}

async function remove(
  dependent: ChildDependent | SharedDependent,
  object: KubernetesObject,
  ctx: ReconcileContext,
  result: WorkflowResult,
): Promise<void> {
  await ctx.client.delete({
    kind: dependent.kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
  });
  result.deleted.push(dependent.kind.kind);
}

async function ensureShared(
  dependent: SharedDependent,
  namespace: string,
  ctx: ReconcileContext,
  result: WorkflowResult,
): Promise<Observation> {
  const members = ctx.cache
    .list<PetStore>(kinds.PetStore, namespace)
    .filter((petStore) => !petStore.metadata.deletionTimestamp)
    .map((petStore) => ({ petStore, spec: resolveSpec(petStore, ctx.defaults) }));
  const inputs: NamespaceInputs = { namespace, members };
  const before = ctx.cache.get(dependent.kind, namespace, dependent.name);
  if (!dependent.when(inputs)) {
    if (before) await remove(dependent, before, ctx, result);
    return { phase: 'NotWanted' };
  }
  const hashed = withDesiredHash(dependent.desired(inputs));
  if (before && isUpToDate(hashed, before)) return { phase: 'Ready', live: before };
  const applied = await ctx.client.apply(hashed);
  result.applied.push(dependent.kind.kind);
  return { phase: 'Ready', live: applied, wrote: 'applied' };
}

const live = (object: KubernetesObject | undefined) => (object ? { live: object } : {});
