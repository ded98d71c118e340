import type { V1Deployment } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { withFence, withSignal, type EventRecord } from '../k8s/client.ts';
import { kinds } from '../k8s/kinds.ts';
import type { ObjectKey } from '../runtime/types.ts';
import { resolveSpec, type ResolvedSpec } from '../spec/resolved-spec.ts';
import type { ReconcileContext } from './context.ts';
import type { Engines } from './dependent.ts';
import { dependents } from './dependents.ts';
import { errorPolicy, problemOf, type Action, type ReconcileProblem } from './error-policy.ts';
import { finalize } from './finalize.ts';
import { computeStatus, type MigrationState } from './observe.ts';
import { writeStatus } from './status.ts';
import type { RollbackDecision } from './rollout/rollback-decision.ts';
import {
  judgeRelease,
  podProblemRecheckMs,
  releaseRecheckMs,
  rolledBackImage,
  rolloutPodProblem,
} from './rollout/rollback.ts';
import type { WorkloadProblem } from './rollout/workload-problems.ts';
import { runSharedDependents, runWorkflow, type WorkflowResult } from './workflow.ts';

export interface Reconciler {
  /**
   * `log` (the runtime's per-request logger), `signal` (the pass's abort signal) and `fence` (the leader lease check
   * before each write) replace the context's.
   */
  reconcile(key: ObjectKey, pass?: { log?: Logger; signal?: AbortSignal; fence?: () => void }): Promise<Action>;
}

/**
 * One level-triggered pass for one PetStore: get, finalize or run the declared workflow (controller/dependents.ts),
 * compute the status from what the pass observed, then the error policy decides what comes next.
 */
export function createReconciler(baseCtx: ReconcileContext, engines: Engines): Reconciler {
  return {
    async reconcile(key, pass = {}) {
      const signal = pass.signal ?? baseCtx.signal;
      const fence = pass.fence ?? baseCtx.fence;
      let client = signal ? withSignal(baseCtx.client, signal) : baseCtx.client;
      if (fence) client = withFence(client, fence);
      const ctx: ReconcileContext = {
        ...baseCtx,
        ...(pass.log ? { log: pass.log } : {}),
        ...(signal ? { signal } : {}),
        ...(fence ? { fence } : {}),
        client,
      };
      const petStore = ctx.cache.get<PetStore>(kinds.PetStore, key.namespace, key.name);
      if (!petStore) {
        // Children go with their owner (garbage collection); the namespace quota must shrink to who is left.
        await runSharedDependents(key.namespace, ctx);
        return {};
      }
      if (petStore.metadata.deletionTimestamp) return deletePass(petStore, engines, ctx);
      let spec: ResolvedSpec | undefined;
      let result: WorkflowResult | undefined;
      let release: RollbackDecision | undefined;
      let pods: WorkloadProblem | undefined;
      let rollingOut = false;
      let failure: unknown;
      try {
        spec = resolveSpec(petStore, ctx.defaults);
        // Rolled back at this generation: the last healthy release runs until the spec changes (controller/rollout).
        const rollback = await rolledBackImage(petStore, spec, ctx);
        result = await runWorkflow(petStore, rollback ? { ...spec, image: rollback } : spec, engines, ctx);
        await reportChanges(petStore, result, ctx);
        const deployment = result.observations.get('deployment')?.live;
        release = await judgeRelease(petStore, spec, deployment, ctx);
        if (release?.action !== 'rollback' && release?.action !== 'hold') {
          const seen = await rolloutPodProblem(petStore, deployment, ctx);
          rollingOut = seen !== undefined;
          pods = seen === 'none' ? undefined : seen;
        }
      } catch (error) {
        failure = error;
      }
      const problem = failure === undefined ? undefined : problemOf(failure);
      await report(petStore, spec, result, problem, release, pods, ctx);
      if (failure !== undefined) return errorPolicy(failure);
      const recheck = [
        result?.database?.state.requeueAfterMs,
        spec ? releaseRecheckMs(release, result?.observations.get('deployment')?.live, spec, ctx.now()) : undefined,
        rollingOut ? podProblemRecheckMs : undefined,
      ].filter((ms) => ms !== undefined);
      return recheck.length > 0 ? { requeueAfterMs: Math.min(...recheck) } : {};
    },
  };
}

/** The status from this pass's observations, written only when it changed, with a Warning event for a new problem. */
async function report(
  petStore: PetStore,
  spec: ResolvedSpec | undefined,
  result: WorkflowResult | undefined,
  problem: ReconcileProblem | undefined,
  release: RollbackDecision | undefined,
  pods: WorkloadProblem | undefined,
  ctx: ReconcileContext,
): Promise<void> {
  const deployment = result?.observations.get('deployment')?.live;
  const migration = result ? migrationState(result, deployment) : undefined;
  const status = computeStatus({
    petStore,
    ...(spec ? { spec } : {}),
    ...(result?.database ? { database: result.database.state } : {}),
    ...(deployment ? { deployment } : {}),
    ...(migration ? { migration } : {}),
    ...(problem ? { problem } : {}),
    ...(release ? { release } : {}),
    ...(pods ? { pods } : {}),
    now: ctx.now(),
  });
  const changed = await writeStatus(petStore, status, ctx);
  if (problem && changed) {
    await emit(ctx, petStore, { type: 'Warning', reason: problem.reason, action: 'Reconcile', note: problem.message });
  }
  if (release?.action === 'rollback' && release.event) {
    await emit(ctx, petStore, { type: 'Warning', reason: release.reason, action: 'Rollback', note: release.event });
  }
}

/** The migration dependent's phase, as status shows it. */
function migrationState(result: WorkflowResult, deployment: V1Deployment | undefined): MigrationState | undefined {
  const observation = result.observations.get('migration');
  const message = observation?.message ?? '';
  switch (observation?.phase) {
    case 'NotWanted':
      return { state: 'NotNeeded', message: 'SQLite migrates at start' };
    case 'Ready':
      return { state: 'Succeeded', message };
    case 'Pending':
      return { state: 'Running', message };
    case 'Failed': {
      const current = deployment?.spec?.template.spec?.containers[0]?.image ?? 'no image';
      return { state: 'Failed', message: `${message}; the Deployment stays on ${current}` };
    }
    default:
      return undefined;
  }
}

async function reportChanges(petStore: PetStore, result: WorkflowResult, ctx: ReconcileContext): Promise<void> {
  const { applied, deleted } = result;
  if (applied.length === 0 && deleted.length === 0) return;
  ctx.log.info({ applied, deleted }, 'children updated');
  await emit(ctx, petStore, {
    type: 'Normal',
    reason: 'Applied',
    action: 'Apply',
    note: [applied.length ? `applied ${applied.join(', ')}` : '', deleted.length ? `deleted ${deleted.join(', ')}` : '']
      .filter(Boolean)
      .join('; '),
  });
}

/** Events are best effort: failing to record one never fails a reconcile. */
async function emit(ctx: ReconcileContext, petStore: PetStore, event: EventRecord): Promise<void> {
  try {
    await ctx.client.event(petStore, event);
  } catch (error) {
    ctx.log.warn({ err: error, reason: event.reason }, 'could not record an event');
  }
}

/** A PetStore being deleted: its database is cleaned up by policy (status shows each step), then the finalizer goes. */
async function deletePass(petStore: PetStore, engines: Engines, ctx: ReconcileContext): Promise<Action> {
  const spec = resolveSpec(petStore, ctx.defaults);
  const database = dependents.find((d) => d.policy === 'external');
  const engine = database?.policy === 'external' ? database.engine(spec, engines) : undefined;
  try {
    const step = await finalize(petStore, spec, engine, ctx);
    if (step.done) {
      await runSharedDependents(petStore.metadata.namespace, ctx);
      return {};
    }
    if (!step.state) return {};
    await writeStatus(petStore, computeStatus({ petStore, spec, database: step.state, now: ctx.now() }), ctx);
    return step.state.requeueAfterMs !== undefined ? { requeueAfterMs: step.state.requeueAfterMs } : {};
  } catch (error) {
    const problem = problemOf(error);
    if (await writeStatus(petStore, computeStatus({ petStore, spec, problem, now: ctx.now() }), ctx)) {
      await emit(ctx, petStore, {
        type: 'Warning',
        reason: 'DeletionFailed',
        action: 'Finalize',
        note: problem.message,
      });
    }
    // Deletion errors follow the same policy as the normal path (backoff, or a recheck for AWS refusals).
    return errorPolicy(error);
  }
}
