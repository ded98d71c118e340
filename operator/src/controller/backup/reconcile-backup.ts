import { isDeepStrictEqual } from 'node:util';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { BackupPhase, PetStoreBackup, PetStoreBackupStatus } from '../../api/v1alpha1/petstorebackup.ts';
import type { BackupContext, BackupEngine } from '../../database/backup-engine.ts';
import { kinds } from '../../k8s/kinds.ts';
import { isPermanentError } from '../../runtime/errors.ts';
import type { ObjectKey } from '../../runtime/types.ts';
import { resolveSpec } from '../../spec/resolved-spec.ts';
import type { ReconcileContext } from '../context.ts';

/** Held while a PetStoreBackup with deletionPolicy Delete exists: its snapshot goes before it does. */
export const snapshotFinalizer = 'petstore.example.com/snapshot';

/** How often a backup waiting for its PetStore's database, or for RDS to finish the snapshot, is looked at again. */
export const backupPollMs = 30_000;

type Condition = NonNullable<PetStoreBackupStatus['conditions']>[number];
type Ctx = ReconcileContext & BackupContext;

/**
 * One pass for one PetStoreBackup: hold the finalizer its deletionPolicy needs, start the snapshot once the PetStore's
 * database exists, follow it to Completed or Failed, and on deletion delete the snapshot when the policy says so.
 * A backup in Completed or Failed is done: it is never taken again.
 */
export async function reconcileBackup(
  key: ObjectKey,
  engine: BackupEngine | undefined,
  ctx: Ctx,
): Promise<{ requeueAfterMs?: number }> {
  const backup = ctx.cache.get<PetStoreBackup>(kinds.PetStoreBackup, key.namespace, key.name);
  if (!backup) return {};
  const finalizers = backup.metadata.finalizers ?? [];
  const ref = { kind: kinds.PetStoreBackup, namespace: key.namespace, name: key.name };
  const resourceVersion = backup.metadata.resourceVersion ?? '';

  if (backup.metadata.deletionTimestamp) {
    if (!finalizers.includes(snapshotFinalizer)) return {};
    if (backup.spec.deletionPolicy === 'Delete' && engine) {
      if ((await engine.remove(backup, ctx)) === 'pending') return { requeueAfterMs: backupPollMs };
    }
    await ctx.client.patchMetadata(ref, {
      finalizers: finalizers.filter((f) => f !== snapshotFinalizer),
      resourceVersion,
    });
    return {};
  }
  // The finalizer comes before the snapshot: a backup deleted while its snapshot is being made still deletes it.
  if (backup.spec.deletionPolicy === 'Delete' && !finalizers.includes(snapshotFinalizer)) {
    await ctx.client.patchMetadata(ref, { finalizers: [...finalizers, snapshotFinalizer], resourceVersion });
    return {};
  }

  const phase = backup.status?.phase;
  if (phase === 'Completed' || phase === 'Failed') return {};
  const write = (status: Omit<PetStoreBackupStatus, 'conditions' | 'observedGeneration'>) =>
    writeBackupStatus(backup, status, ctx);
  const previous = backup.status ?? {};

  if (!engine) {
    await write({ phase: 'Failed', message: 'this operator has no RDS settings, so it takes no snapshots' });
    return {};
  }
  try {
    if (phase === 'Running') {
      const state = await engine.observe(backup, ctx);
      await write({
        ...previous,
        phase: state.phase,
        message: state.message,
        ...(state.snapshotTime ? { snapshotTime: state.snapshotTime } : {}),
        ...(state.allocatedStorageGiB !== undefined ? { allocatedStorageGiB: state.allocatedStorageGiB } : {}),
        ...(state.phase === 'Completed' ? { completedAt: ctx.now().toISOString() } : {}),
      });
      if (state.phase !== 'Running') await announce(backup, state.phase, state.message, ctx);
      return state.phase === 'Running' ? { requeueAfterMs: backupPollMs } : {};
    }
    const petStore = ctx.cache.get<PetStore>(kinds.PetStore, key.namespace, backup.spec.petStoreName);
    if (!petStore) {
      await write({
        phase: 'Pending',
        message: `PetStore ${backup.spec.petStoreName} does not exist in this namespace`,
      });
      return { requeueAfterMs: backupPollMs };
    }
    const spec = resolveSpec(petStore, ctx.defaults);
    if (spec.database.engine !== 'rds') {
      const message =
        `PetStore ${petStore.metadata.name} uses the ${spec.database.engine} engine; PetStoreBackup takes RDS ` +
        'snapshots (an external database is backed up with pg_dump, docs/runbook.md)';
      await write({ phase: 'Failed', message });
      await announce(backup, 'Failed', message, ctx);
      return {};
    }
    const started = await engine.start(backup, petStore, spec, ctx);
    if (started.kind === 'waiting') {
      await write({ phase: 'Pending', message: started.message });
      return { requeueAfterMs: backupPollMs };
    }
    await write({
      phase: 'Running',
      message: `RDS is taking DB snapshot ${started.snapshotIdentifier}`,
      instanceIdentifier: started.instanceIdentifier,
      snapshotIdentifier: started.snapshotIdentifier,
      startedAt: ctx.now().toISOString(),
    });
    return { requeueAfterMs: backupPollMs };
  } catch (error) {
    if (!isPermanentError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    await write({ ...previous, phase: 'Failed', message });
    await announce(backup, 'Failed', message, ctx);
    return {};
  }
}

/** The status with its Ready condition (lastTransitionTime kept while the status does not flip). */
export function backupStatus(
  backup: PetStoreBackup,
  status: Omit<PetStoreBackupStatus, 'conditions' | 'observedGeneration'>,
  now: Date,
): PetStoreBackupStatus {
  const phase: BackupPhase = status.phase ?? 'Pending';
  const ready = phase === 'Completed' ? 'True' : 'False';
  const before = backup.status?.conditions?.find((c) => c.type === 'Ready');
  const condition: Condition = {
    type: 'Ready',
    status: ready,
    observedGeneration: backup.metadata.generation ?? 0,
    lastTransitionTime: before?.status === ready ? before.lastTransitionTime : now.toISOString(),
    reason: phase,
    message: status.message ?? phase,
  };
  return { ...status, observedGeneration: backup.metadata.generation ?? 0, conditions: [condition] };
}

async function writeBackupStatus(
  backup: PetStoreBackup,
  status: Omit<PetStoreBackupStatus, 'conditions' | 'observedGeneration'>,
  ctx: Ctx,
): Promise<void> {
  const next = backupStatus(backup, status, ctx.now());
  if (!backupStatusChanged(backup.status, next)) return;
  await ctx.client.applyStatus(backup, kinds.PetStoreBackup, next);
}

/**
 * Whether `next` says something `current` (as stored) does not: any field, or the Ready condition's status. Compared
 * as JSON values, so neither the order of keys nor a field left undefined counts as a change (no write at steady state).
 */
export function backupStatusChanged(current: PetStoreBackupStatus | undefined, next: PetStoreBackupStatus): boolean {
  const { conditions: before, ...was } = current ?? {};
  const { conditions: after, ...will } = next;
  const asJson = (value: object): unknown => JSON.parse(JSON.stringify(value));
  return !isDeepStrictEqual(asJson(was), asJson(will)) || before?.[0]?.status !== after?.[0]?.status;
}

async function announce(backup: PetStoreBackup, phase: 'Completed' | 'Failed', message: string, ctx: Ctx) {
  await ctx.client.event(backup, {
    type: phase === 'Completed' ? 'Normal' : 'Warning',
    reason: phase === 'Completed' ? 'BackupCompleted' : 'BackupFailed',
    action: 'Backup',
    note: message,
  });
}
