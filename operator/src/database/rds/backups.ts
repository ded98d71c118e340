import type { DBSnapshot } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { PetStoreBackup } from '../../api/v1alpha1/petstorebackup.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';
import type { BackupContext, BackupEngine, BackupStart, SnapshotState } from '../backup-engine.ts';
import { AwsSession, type AwsClients } from './aws-session.ts';
import { desiredInstance } from './desired-instance.ts';
import { backupSnapshotIdentifier } from './identifiers.ts';
import type { RdsSettings } from './options.ts';
import { desiredTags, managedByValue, ownership, tagKeys, tagMap, toTagList } from './tags.ts';

/** The backup tag's value: which PetStoreBackup (name and uid) a snapshot belongs to. */
const backupTag = (backup: PetStoreBackup) => `${backup.metadata.name}/${backup.metadata.uid}`;
const snapshotOf = (backup: PetStoreBackup) =>
  backupSnapshotIdentifier(backup.metadata.namespace, backup.metadata.name, backup.metadata.uid);

/**
 * Whether `snapshot` is this backup's: made by this operator's cluster, for this namespace, tagged with this backup's
 * name and uid. Only such a snapshot is reported on or deleted.
 */
function isBackupsSnapshot(snapshot: DBSnapshot, backup: PetStoreBackup, clusterName: string): boolean {
  const tags = tagMap(snapshot.TagList);
  return (
    tags[tagKeys.managedBy] === managedByValue &&
    tags[tagKeys.cluster] === clusterName &&
    tags[tagKeys.namespace] === backup.metadata.namespace &&
    tags[tagKeys.backup] === backupTag(backup)
  );
}

/**
 * PetStoreBackups of rds PetStores: a manual DB snapshot of the PetStore's instance, named after the backup, tagged
 * like the instance (so a PetStore of the same namespace may restore from it) plus the backup's name and uid.
 */
export function createRdsBackups(clients: AwsClients, settings: RdsSettings): BackupEngine {
  const session = (ctx: BackupContext) => new AwsSession(clients, ctx.signal, ctx.fence);

  async function start(
    backup: PetStoreBackup,
    petStore: PetStore,
    spec: ResolvedSpec,
    ctx: BackupContext,
  ): Promise<BackupStart> {
    const aws = session(ctx);
    const id = desiredInstance(petStore, spec, settings).identifier;
    const pet = `PetStore ${petStore.metadata.name}`;
    const instance = await aws.describeInstance(id);
    if (!instance) return { kind: 'waiting', message: `RDS instance ${id} of ${pet} does not exist yet` };
    const owner = ownership(instance.TagList, petStore, settings.clusterName);
    if (owner.kind !== 'ours' || owner.released) {
      throw new PermanentError(
        `RDS instance ${id} is not managed by ${pet} (its tags do not name it), so it is not backed up`,
        { reason: 'BackupForbidden' },
      );
    }
    const status = instance.DBInstanceStatus ?? 'unknown';
    if (status !== 'available' && status !== 'backing-up') {
      return { kind: 'waiting', message: `RDS instance ${id} is ${status}; the snapshot starts once it is available` };
    }
    const snapshotIdentifier = snapshotOf(backup);
    const tags = { ...desiredTags(petStore, spec, settings.clusterName), [tagKeys.backup]: backupTag(backup) };
    const created = await aws.createSnapshot(id, snapshotIdentifier, toTagList(tags));
    if (created === 'busy') {
      return { kind: 'waiting', message: `RDS instance ${id} is busy; the snapshot starts once it is available` };
    }
    ctx.log.info({ rdsInstance: id, snapshot: snapshotIdentifier }, 'DB snapshot requested');
    return { kind: 'started', instanceIdentifier: id, snapshotIdentifier };
  }

  async function observe(backup: PetStoreBackup, ctx: BackupContext): Promise<SnapshotState> {
    const id = snapshotOf(backup);
    const snapshot = await session(ctx).describeSnapshot(id);
    if (!snapshot)
      return { phase: 'Failed', message: `DB snapshot ${id} no longer exists (deleted outside the operator)` };
    if (!isBackupsSnapshot(snapshot, backup, settings.clusterName)) {
      return { phase: 'Failed', message: `DB snapshot ${id} does not carry this backup's tags; it is not reported on` };
    }
    const status = snapshot.Status ?? 'unknown';
    const size = snapshot.AllocatedStorage !== undefined ? { allocatedStorageGiB: snapshot.AllocatedStorage } : {};
    const time = snapshot.SnapshotCreateTime ? { snapshotTime: snapshot.SnapshotCreateTime.toISOString() } : {};
    if (status === 'available') {
      return { phase: 'Completed', message: `DB snapshot ${id} is available`, ...size, ...time };
    }
    if (status === 'creating' || status === 'pending') {
      const progress = snapshot.PercentProgress !== undefined ? ` (${snapshot.PercentProgress} %)` : '';
      return { phase: 'Running', message: `RDS is taking DB snapshot ${id}${progress}`, ...size };
    }
    return { phase: 'Failed', message: `DB snapshot ${id} is ${status}` };
  }

  async function remove(backup: PetStoreBackup, ctx: BackupContext): Promise<'gone' | 'pending'> {
    const aws = session(ctx);
    const id = snapshotOf(backup);
    const snapshot = await aws.describeSnapshot(id);
    if (!snapshot) return 'gone';
    if (!isBackupsSnapshot(snapshot, backup, settings.clusterName)) {
      ctx.log.warn({ snapshot: id }, "DB snapshot does not carry this backup's tags; left alone");
      return 'gone';
    }
    const result = await aws.deleteSnapshot(id);
    if (result === 'busy') return 'pending';
    ctx.log.info({ snapshot: id }, 'DB snapshot deleted with its PetStoreBackup');
    return 'gone';
  }

  return { start, observe, remove };
}
