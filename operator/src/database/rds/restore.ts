import type { DBInstance, DBSnapshot, Tag } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import { DependencyMissingError, PermanentError } from '../../runtime/errors.ts';
import type { AwsSession } from './aws-session.ts';
import { restoreFromSnapshotInput, restoreToPointInTimeInput, type DesiredInstance } from './desired-instance.ts';
import type { RdsSettings } from './options.ts';
import type { RestoreSource } from './restore-source.ts';
import { adoptionGrant, managedByValue, tagKeys, tagMap } from './tags.ts';

/**
 * Whether this PetStore may restore from a snapshot or instance with `tags`: one made for a PetStore of the same
 * namespace in the same cluster (a tenant reads their own namespace's data), or one an administrator of the AWS account
 * granted to this very PetStore (restorable-by; a tenant cannot write that tag). Never another namespace's or
 * cluster's data on the tenant's word alone.
 */
export function mayRestoreFrom(tags: readonly Tag[] | undefined, petStore: PetStore, clusterName: string): boolean {
  const t = tagMap(tags);
  const { namespace, name } = petStore.metadata;
  const sameNamespace =
    t[tagKeys.managedBy] === managedByValue && t[tagKeys.cluster] === clusterName && t[tagKeys.namespace] === namespace;
  return sameNamespace || t[tagKeys.restorableBy] === adoptionGrant(clusterName, namespace, name);
}

/**
 * Restores the PetStore's new instance from spec.database.rds.restoreFrom after checking the source: it exists, is
 * PostgreSQL, is ready to restore from, and this PetStore may read it. Returns the new instance, or undefined when one
 * by that identifier already exists (an earlier pass restored it). Refusals are permanent errors naming the fix; a
 * source that is missing or still being made is waited for.
 */
export async function restoreInstance(
  aws: AwsSession,
  source: RestoreSource,
  desired: DesiredInstance,
  petStore: PetStore,
  settings: RdsSettings,
): Promise<DBInstance | undefined> {
  const field = 'spec.database.rds.restoreFrom';
  if (source.kind === 'snapshot') {
    const id = source.snapshotIdentifier;
    const snapshot = await aws.describeSnapshot(id);
    if (!snapshot) {
      throw new DependencyMissingError(
        'DBSnapshotNotFound',
        `DB snapshot ${id} named by ${field}.snapshotIdentifier does not exist in the operator's region`,
      );
    }
    checkSource(snapshot.TagList, snapshot.Engine, `DB snapshot ${id}`, petStore, settings);
    checkSnapshotStatus(snapshot, id);
    return aws.restoreFromSnapshot(restoreFromSnapshotInput(desired, settings, id, snapshot.EngineVersion));
  }
  const sourceId = source.sourceInstanceIdentifier;
  const instance = await aws.describeInstance(sourceId);
  if (!instance) {
    throw new DependencyMissingError(
      'DBInstanceNotFound',
      `RDS instance ${sourceId} named by ${field}.pointInTime.sourceInstanceIdentifier does not exist; restore from one ` +
        'of its snapshots with snapshotIdentifier instead',
    );
  }
  checkSource(instance.TagList, instance.Engine, `RDS instance ${sourceId}`, petStore, settings);
  return aws.restoreToPointInTime(
    restoreToPointInTimeInput(desired, settings, sourceId, source.time, instance.EngineVersion),
  );
}

function checkSource(
  tags: readonly Tag[] | undefined,
  engine: string | undefined,
  what: string,
  petStore: PetStore,
  settings: RdsSettings,
): void {
  const { namespace, name } = petStore.metadata;
  if (!mayRestoreFrom(tags, petStore, settings.clusterName)) {
    throw new PermanentError(
      `${what} does not belong to a PetStore of namespace ${namespace} in this cluster, so this PetStore may not ` +
        'restore from it. An administrator of the AWS account can grant it by tagging it ' +
        `${tagKeys.restorableBy}=${adoptionGrant(settings.clusterName, namespace, name)}`,
      { reason: 'RestoreSourceForbidden' },
    );
  }
  if (engine !== 'postgres') {
    throw new PermanentError(`${what} holds ${engine ?? 'an unknown engine'}; the Pet Store API needs postgres`, {
      reason: 'RestoreSourceInvalid',
    });
  }
}

function checkSnapshotStatus(snapshot: DBSnapshot, id: string): void {
  const status = snapshot.Status ?? 'unknown';
  if (status === 'available') return;
  if (status === 'creating' || status === 'pending') {
    throw new DependencyMissingError(
      'DBSnapshotNotAvailable',
      `DB snapshot ${id} is ${status}; restoring once it is available`,
    );
  }
  throw new PermanentError(`DB snapshot ${id} is ${status}; RDS restores only available snapshots`, {
    reason: 'RestoreSourceInvalid',
  });
}
