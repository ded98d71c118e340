import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import { apiVersion } from '../../api/v1alpha1/petstore.ts';
import { backupKind, scheduledForLabel, type PetStoreBackup } from '../../api/v1alpha1/petstorebackup.ts';
import { managedBy } from '../../builders/metadata.ts';
import { kinds } from '../../k8s/kinds.ts';
import type { ObjectKey } from '../../runtime/types.ts';
import { resolveSpec } from '../../spec/resolved-spec.ts';
import type { ReconcileContext } from '../context.ts';

export interface BackupSchedule {
  intervalHours: number;
  keep: number;
}

export interface ScheduleDecision {
  /** Take a backup now. */
  due: boolean;
  /** Scheduled backups past the retention, oldest first. */
  expired: string[];
  /** When the next backup is due (now, when one is due). */
  nextAt: Date;
}

const createdAt = (backup: PetStoreBackup) => Date.parse(backup.metadata.creationTimestamp?.toString() ?? '') || 0;

/**
 * What a PetStore's backupSchedule asks for now, given the backups it made (`scheduled`): one is due when the newest is
 * at least intervalHours old (or there is none). Retention counts Completed backups: the newest `keep` of them stay,
 * and every scheduled backup older than the oldest kept one goes (a Failed one too); a Pending or Running backup is
 * never deleted, and nothing is deleted until `keep` backups have completed. Pure: tests drive it with a clock.
 */
export function scheduleDecision(now: Date, schedule: BackupSchedule, scheduled: PetStoreBackup[]): ScheduleDecision {
  const newestFirst = [...scheduled].sort((a, b) => createdAt(b) - createdAt(a));
  const newest = newestFirst[0];
  const intervalMs = schedule.intervalHours * 3_600_000;
  const nextAt = newest ? new Date(createdAt(newest) + intervalMs) : now;
  const completed = newestFirst.filter((b) => b.status?.phase === 'Completed');
  const oldestKept = completed[schedule.keep - 1];
  const expired =
    completed.length > schedule.keep && oldestKept
      ? newestFirst
          .filter((b) => createdAt(b) < createdAt(oldestKept))
          .filter((b) => b.status?.phase === 'Completed' || b.status?.phase === 'Failed')
          .map((b) => b.metadata.name)
          .reverse()
      : [];
  return { due: nextAt.getTime() <= now.getTime(), expired, nextAt };
}

/** A scheduled backup's name: `<petstore>-<yyyymmddhhmmss>` (UTC), unique per second and sorted by time. */
export function scheduledBackupName(petStoreName: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${petStoreName.slice(0, 253 - stamp.length - 1)}-${stamp}`;
}

/** The PetStoreBackup a schedule creates: Delete policy (retention removes its snapshot), no owner reference. */
export function scheduledBackup(petStore: PetStore, now: Date): PetStoreBackup {
  return {
    apiVersion,
    kind: backupKind,
    metadata: {
      name: scheduledBackupName(petStore.metadata.name, now),
      namespace: petStore.metadata.namespace,
      // Deliberately no ownerReferences: deleting the PetStore must not delete its backups.
      labels: { [scheduledForLabel]: petStore.metadata.name, 'app.kubernetes.io/managed-by': managedBy },
      uid: '',
    },
    spec: { petStoreName: petStore.metadata.name, deletionPolicy: 'Delete' },
  };
}

/**
 * One pass of a PetStore's backupSchedule: create the backup that is due (once its database is ready), delete the
 * scheduled backups past retention, and come back when the next one is due. Backups a user created are never counted
 * or deleted; a PetStore without a schedule (or being deleted) is left alone, and so are its backups.
 */
export async function reconcileSchedule(key: ObjectKey, ctx: ReconcileContext): Promise<{ requeueAfterMs?: number }> {
  const petStore = ctx.cache.get<PetStore>(kinds.PetStore, key.namespace, key.name);
  if (!petStore || petStore.metadata.deletionTimestamp) return {};
  const spec = resolveSpec(petStore, ctx.defaults);
  const schedule = spec.database.rds.backupSchedule;
  if (spec.database.engine !== 'rds' || !schedule) return {};
  const now = ctx.now();
  const scheduled = ctx.cache
    .list<PetStoreBackup>(kinds.PetStoreBackup, key.namespace)
    .filter((b) => b.metadata.labels?.[scheduledForLabel] === key.name);
  const decision = scheduleDecision(
    now,
    { intervalHours: schedule.intervalHours ?? 24, keep: schedule.keep ?? 7 },
    scheduled,
  );
  for (const name of decision.expired) {
    await ctx.client.delete({ kind: kinds.PetStoreBackup, namespace: key.namespace, name });
    ctx.log.info({ backup: name }, 'scheduled PetStoreBackup past retention deleted');
  }
  const databaseReady = petStore.status?.conditions?.some((c) => c.type === 'DatabaseReady' && c.status === 'True');
  if (!decision.due) return { requeueAfterMs: Math.max(1000, decision.nextAt.getTime() - now.getTime()) };
  if (!databaseReady) return { requeueAfterMs: 60_000 };
  const backup = scheduledBackup(petStore, now);
  const { uid: _uid, ...metadata } = backup.metadata;
  await ctx.client.apply({ ...backup, metadata });
  ctx.log.info({ backup: backup.metadata.name }, 'scheduled PetStoreBackup created');
  return { requeueAfterMs: schedule.intervalHours !== undefined ? schedule.intervalHours * 3_600_000 : 86_400_000 };
}
