// The PetStoreBackup controller and the backup schedule of PetStores: registered by main.ts where the cluster serves
// PetStoreBackups.
import type { PetStoreBackup } from './api/v1alpha1/petstorebackup.ts';
import { scheduledForLabel } from './api/v1alpha1/petstorebackup.ts';
import { reconcileBackup } from './controller/backup/reconcile-backup.ts';
import { reconcileSchedule } from './controller/backup/schedule.ts';
import type { ReconcileContext } from './controller/context.ts';
import type { BackupEngine } from './database/backup-engine.ts';
import { withFence, withSignal } from './k8s/client.ts';
import { kinds } from './k8s/kinds.ts';
import { cacheOf, watchSpecOf } from './petstore-controller.ts';
import type { Manager, ReconcileContext as PassContext } from './runtime/index.ts';

/** The context of one pass: the pass's logger, and the client bound to its abort signal and lease fence. */
function passContext(ctx: ReconcileContext, pass: PassContext): ReconcileContext {
  const client = withFence(withSignal(ctx.client, pass.signal), pass.fence);
  return { ...ctx, client, log: pass.log, signal: pass.signal, fence: pass.fence };
}

/**
 * Registers two controllers: `petstorebackup` (each PetStoreBackup: its snapshot, phase and deletion) and
 * `petstore-backup-schedule` (each PetStore's spec.database.rds.backupSchedule: creates the due PetStoreBackup and
 * deletes scheduled ones past retention). `engine` undefined: this operator has no RDS settings, and says so in the
 * backups' status.
 */
export function addBackupControllers(
  manager: Manager,
  ctx: Omit<ReconcileContext, 'cache'>,
  engine: BackupEngine | undefined,
): void {
  const full: ReconcileContext = { ...ctx, cache: cacheOf(manager, ctx.defaults.monitoringServed === true) };
  manager.addController({
    name: 'petstorebackup',
    primary: watchSpecOf(kinds.PetStoreBackup),
    reconcile: (key, pass) => reconcileBackup(key, engine, passContext(full, pass)),
  });
  manager.addController({
    name: 'petstore-backup-schedule',
    primary: watchSpecOf(kinds.PetStore),
    watches: [
      {
        spec: watchSpecOf(kinds.PetStoreBackup),
        map: (object) => {
          const backup = object as PetStoreBackup;
          const petStore = backup.metadata.labels?.[scheduledForLabel];
          return petStore ? [{ namespace: backup.metadata.namespace, name: petStore }] : [];
        },
      },
    ],
    reconcile: (key, pass) => reconcileSchedule(key, passContext(full, pass)),
  });
}
