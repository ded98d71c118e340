import { ApiException, type V1Deployment } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { EventRecord } from '../k8s/client.ts';
import { kinds } from '../k8s/kinds.ts';
import type { Logger } from 'pino';
import type { ObjectKey } from '../runtime/types.ts';
import { isPermanentError, PermanentError } from '../runtime/errors.ts';
import { applyChildren } from './apply-children.ts';
import type { BuildInputs } from './dependents.ts';
import type { ReconcileContext } from './context.ts';
import {
  DependencyMissingError,
  resolveExternal,
  resolveSqlite,
  type DatabaseResolver,
  type DatabaseState,
  type ExternalDatabase,
  type ResolvedDatabase,
} from './database.ts';
import { ensureFinalizer, finalize } from './finalize.ts';
import { migrate, type MigrationPlan } from './migration.ts';
import { ensureNamespaceObjects } from './namespace-objects.ts';
import { computeStatus, type ReconcileProblem } from './observe.ts';
import { resolveSpec, type ResolvedSpec } from './resolved-spec.ts';
import { writeStatus } from './status.ts';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** Slow retry while waiting for something a user must create (a Secret), instead of the fast error backoff. */
const dependencyRetryMs = 30_000;
/** How often a PetStore stalled on an AWS refusal (IAM, quota) is tried again: an administrator may have fixed it. */
const awsRefusalRetryMs = 10 * 60_000;

export interface Reconciler {
  /** `log` (the runtime's per-request logger, carrying the key) replaces the context's logger for this pass. */
  reconcile(key: ObjectKey, log?: Logger): Promise<ReconcileResult>;
}

/** Databases that live outside the cluster (rds) plug in here, by engine. */
export type ExternalDatabases = Partial<Record<ResolvedSpec['database']['engine'], ExternalDatabase>>;

/**
 * One level-triggered pass for one PetStore: get → finalize or ensure finalizer → resolve spec and database → apply
 * children → observe → status. It reads from the informer caches and writes only what differs.
 */
export function createReconciler(baseCtx: ReconcileContext, externalDatabases: ExternalDatabases = {}): Reconciler {
  const resolvers: Partial<Record<ResolvedSpec['database']['engine'], DatabaseResolver>> = {
    sqlite: resolveSqlite,
    external: resolveExternal,
  };
  for (const [engine, database] of Object.entries(externalDatabases)) {
    resolvers[engine as ResolvedSpec['database']['engine']] = database.resolve;
  }
  return {
    async reconcile(key, log) {
      const ctx = log ? { ...baseCtx, log } : baseCtx;
      const petStore = ctx.cache.get<PetStore>(kinds.PetStore, key.namespace, key.name);
      if (!petStore) {
        // Children go with their owner (garbage collection); the namespace quota must shrink to who is left.
        await ensureNamespaceObjects(key.namespace, ctx);
        return {};
      }
      if (petStore.metadata.deletionTimestamp) return deletePass(petStore, ctx, externalDatabases);
      let spec: ResolvedSpec | undefined;
      let database: ResolvedDatabase | undefined;
      let deployment: V1Deployment | undefined;
      let migration: MigrationPlan | undefined;
      let problem: ReconcileProblem | undefined;
      let failure: unknown;
      try {
        spec = resolveSpec(petStore, ctx.defaults);
        const resolver = resolvers[spec.database.engine];
        if (!resolver) {
          throw new PermanentError(
            `database engine ${spec.database.engine} is not configured in this operator (for rds: set the chart's rds.dbSubnetGroupName, env RDS_DB_SUBNET_GROUP)`,
          );
        }
        if (externalDatabases[spec.database.engine]) await ensureFinalizer(petStore, ctx);
        database = await resolver(petStore, spec, ctx);
        if (database.connection) {
          const inputs: BuildInputs = { petStore, spec, connection: database.connection, deployImage: undefined };
          const prerequisites = await applyChildren(inputs, 'prerequisite', ctx);
          migration = await migrate(petStore, spec, ctx);
          inputs.deployImage = migration.deployImage;
          const outcome = await applyChildren(inputs, 'workload', ctx, prerequisites);
          deployment = outcome.live.get('Deployment');
          const shared = await ensureNamespaceObjects(petStore.metadata.namespace, ctx);
          const changed = [...outcome.applied, ...shared];
          if (changed.length > 0 || outcome.deleted.length > 0) {
            ctx.log.info({ petStore: key, applied: changed, deleted: outcome.deleted }, 'children updated');
            await emit(ctx, petStore, {
              type: 'Normal',
              reason: 'Applied',
              action: 'Apply',
              note: [
                changed.length ? `applied ${changed.join(', ')}` : '',
                outcome.deleted.length ? `deleted ${outcome.deleted.join(', ')}` : '',
              ]
                .filter(Boolean)
                .join('; '),
            });
          }
        }
      } catch (error) {
        failure = error;
        problem = describe(error);
      }
      const status = computeStatus({
        petStore,
        ...(spec ? { spec } : {}),
        ...(database ? { database: database.state } : {}),
        ...(deployment ? { deployment } : {}),
        ...(migration ? { migration } : {}),
        ...(problem ? { problem } : {}),
        now: ctx.now(),
      });
      const statusChanged = await writeStatus(petStore, status, ctx);
      if (problem && statusChanged) {
        await emit(ctx, petStore, {
          type: 'Warning',
          reason: problem.reason,
          action: 'Reconcile',
          note: problem.message,
        });
      }
      if (failure instanceof DependencyMissingError) return { requeueAfterMs: dependencyRetryMs };
      // AWS refusals (access denied, quota) are fixed outside the PetStore, so look again now and then.
      if (problem?.reason.startsWith('AWS')) return { requeueAfterMs: awsRefusalRetryMs };
      if (problem?.kind === 'permanent' && !isPermanentError(failure))
        throw new PermanentError(problem.message, { cause: failure });
      if (failure !== undefined)
        throw failure instanceof Error ? failure : new Error('reconcile failed', { cause: failure });
      return database?.state.requeueAfterMs !== undefined ? { requeueAfterMs: database.state.requeueAfterMs } : {};
    },
  };
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
async function deletePass(
  petStore: PetStore,
  ctx: ReconcileContext,
  externalDatabases: ExternalDatabases,
): Promise<ReconcileResult> {
  const spec = resolveSpec(petStore, ctx.defaults);
  let state: DatabaseState | undefined;
  let problem: ReconcileProblem | undefined;
  try {
    const step = await finalize(petStore, spec, externalDatabases[spec.database.engine], ctx);
    if (step.done) {
      await ensureNamespaceObjects(petStore.metadata.namespace, ctx);
      return {};
    }
    state = step.state;
    if (!state) return {};
  } catch (error) {
    problem = describe(error);
    const status = computeStatus({ petStore, spec, problem, now: ctx.now() });
    if (await writeStatus(petStore, status, ctx)) {
      await emit(ctx, petStore, {
        type: 'Warning',
        reason: 'DeletionFailed',
        action: 'Finalize',
        note: problem.message,
      });
    }
    throw error;
  }
  await writeStatus(petStore, computeStatus({ petStore, spec, database: state, now: ctx.now() }), ctx);
  return state.requeueAfterMs !== undefined ? { requeueAfterMs: state.requeueAfterMs } : {};
}

/**
 * Sorts a failure into permanent (the API server refused the spec we built from the PetStore: only a spec change
 * helps) or temporary. Messages name the problem; they never carry secret values (builders never put any in errors).
 */
function describe(error: unknown): ReconcileProblem {
  if (error instanceof DependencyMissingError)
    return { kind: 'temporary', reason: error.reason, message: error.message };
  if (isPermanentError(error)) {
    const reason = (error as { reason?: unknown }).reason;
    return {
      kind: 'permanent',
      reason: typeof reason === 'string' ? reason : 'InvalidSpec',
      message: (error as Error).message,
    };
  }
  if (error instanceof ApiException) {
    const body = parseStatus(error.body);
    if (error.code === 422 || error.code === 400) {
      return {
        kind: 'permanent',
        reason: 'InvalidSpec',
        message: `the API server refused a child: ${body ?? `HTTP ${error.code}`}`,
      };
    }
    if (error.code === 403) {
      return {
        kind: 'temporary',
        reason: 'Forbidden',
        message: `the operator is not allowed to do this: ${body ?? 'HTTP 403'}`,
      };
    }
    return { kind: 'temporary', reason: 'APIError', message: body ?? `HTTP ${error.code}` };
  }
  return {
    kind: 'temporary',
    reason: 'ReconcileError',
    message: error instanceof Error ? error.message : String(error),
  };
}

function parseStatus(body: unknown): string | undefined {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string } | undefined;
    return status?.message;
  } catch {
    return typeof body === 'string' ? body.slice(0, 500) : undefined;
  }
}
