import type {
  CreateDBInstanceCommandInput,
  RestoreDBInstanceFromDBSnapshotCommandInput,
  RestoreDBInstanceToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';
import { finalSnapshotIdentifier, instanceIdentifier } from './identifiers.ts';
import type { RdsSettings } from './options.ts';
import { describeRestoreSource, restoreSource, type RestoreSource } from './restore-source.ts';
import { desiredTags, tagKeys, toTagList } from './tags.ts';

/** What a PetStore asks of its RDS instance, in RDS's terms. Pure: computed from the PetStore and the operator's settings. */
export interface DesiredInstance {
  identifier: string;
  /** True when spec.database.rds.instanceIdentifier names an instance to adopt (never created by the operator). */
  named: boolean;
  finalSnapshotIdentifier: string;
  instanceClass: string;
  allocatedStorage: number;
  /** Storage autoscaling ceiling; undefined turns autoscaling off. */
  maxAllocatedStorage?: number;
  backupRetentionDays: number;
  multiAZ: boolean;
  /** On in production, so nobody deletes the database by accident (the finalizer turns it off to delete on purpose). */
  deletionProtection: boolean;
  /** The version to create with: spec.database.rds.engineVersion, else the operator's default. */
  engineVersion: string;
  /** True when the spec sets engineVersion: only then is a running instance held to it. */
  engineVersionPinned: boolean;
  tags: Record<string, string>;
  /** Where a new instance's data comes from (spec.database.rds.restoreFrom); undefined: created empty. */
  restoreFrom?: RestoreSource;
}

export function desiredInstance(petStore: PetStore, spec: ResolvedSpec, settings: RdsSettings): DesiredInstance {
  const { namespace, name, uid } = petStore.metadata;
  const rds = spec.database.rds;
  const restoreFrom = restoreSource(spec);
  return {
    identifier: rds.instanceIdentifier ?? instanceIdentifier(settings.clusterName, namespace, name),
    named: rds.instanceIdentifier !== undefined,
    finalSnapshotIdentifier: finalSnapshotIdentifier(namespace, name, uid),
    instanceClass: rds.instanceClass,
    allocatedStorage: rds.allocatedStorage,
    ...(rds.maxAllocatedStorage !== undefined ? { maxAllocatedStorage: rds.maxAllocatedStorage } : {}),
    backupRetentionDays: rds.backupRetentionDays,
    multiAZ: rds.multiAZ,
    deletionProtection: spec.environment === 'production',
    engineVersion: rds.engineVersion ?? settings.defaultEngineVersion,
    engineVersionPinned: rds.engineVersion !== undefined,
    tags: desiredTags(petStore, spec, settings.clusterName),
    ...(restoreFrom ? { restoreFrom } : {}),
  };
}

/**
 * What every new instance gets, created or restored: the PetStore's class, Multi-AZ, retention and storage ceiling in
 * the operator's subnet group, security groups and parameter group, never public, gp3, deletion protection in
 * production, tags copied to snapshots, and the master password generated, stored and rotated by RDS in Secrets
 * Manager.
 */
function newInstanceSettings(desired: DesiredInstance, settings: RdsSettings, engineVersion: string) {
  const parameterGroup = settings.dbParameterGroups[engineVersion.split('.')[0] ?? ''];
  return {
    DBInstanceClass: desired.instanceClass,
    // A pinned minor version means the user wants to choose when it changes; a major-only version tracks its minors.
    AutoMinorVersionUpgrade: !desired.engineVersion.includes('.'),
    ManageMasterUserPassword: true,
    ...(settings.masterUserSecretKmsKeyId ? { MasterUserSecretKmsKeyId: settings.masterUserSecretKmsKeyId } : {}),
    ...(desired.maxAllocatedStorage !== undefined ? { MaxAllocatedStorage: desired.maxAllocatedStorage } : {}),
    StorageType: 'gp3',
    BackupRetentionPeriod: desired.backupRetentionDays,
    MultiAZ: desired.multiAZ,
    DeletionProtection: desired.deletionProtection,
    DBSubnetGroupName: settings.dbSubnetGroupName,
    VpcSecurityGroupIds: [...settings.vpcSecurityGroupIds],
    ...(parameterGroup ? { DBParameterGroupName: parameterGroup } : {}),
    PubliclyAccessible: false,
    CopyTagsToSnapshot: true,
    // Only a restored instance says what from: the tag is written once, with the restore, never by a later look.
    Tags: toTagList(
      desired.restoreFrom
        ? { ...desired.tags, [tagKeys.restoredFrom]: describeRestoreSource(desired.restoreFrom) }
        : desired.tags,
    ),
  };
}

/** The CreateDBInstance request: PostgreSQL on encrypted gp3 storage with the PetStore's settings. */
export function createInstanceInput(desired: DesiredInstance, settings: RdsSettings): CreateDBInstanceCommandInput {
  return {
    DBInstanceIdentifier: desired.identifier,
    Engine: 'postgres',
    EngineVersion: desired.engineVersion,
    DBName: settings.databaseName,
    MasterUsername: settings.masterUsername,
    AllocatedStorage: desired.allocatedStorage,
    StorageEncrypted: true,
    ...(settings.kmsKeyId ? { KmsKeyId: settings.kmsKeyId } : {}),
    ...newInstanceSettings(desired, settings, desired.engineVersion),
  };
}

/**
 * The RestoreDBInstanceFromDBSnapshot request. The snapshot brings the data, engine version, database name, master
 * user, storage size and encryption (its KMS key); the rest is the PetStore's. Storage below the spec grows on the next
 * look.
 */
export function restoreFromSnapshotInput(
  desired: DesiredInstance,
  settings: RdsSettings,
  snapshotIdentifier: string,
  snapshotEngineVersion = desired.engineVersion,
): RestoreDBInstanceFromDBSnapshotCommandInput {
  return {
    DBInstanceIdentifier: desired.identifier,
    DBSnapshotIdentifier: snapshotIdentifier,
    ...newInstanceSettings(desired, settings, snapshotEngineVersion),
  };
}

/** The RestoreDBInstanceToPointInTime request: `time`, or the latest restorable time when undefined. */
export function restoreToPointInTimeInput(
  desired: DesiredInstance,
  settings: RdsSettings,
  sourceInstanceIdentifier: string,
  time: Date | undefined,
  sourceEngineVersion = desired.engineVersion,
): RestoreDBInstanceToPointInTimeCommandInput {
  return {
    SourceDBInstanceIdentifier: sourceInstanceIdentifier,
    TargetDBInstanceIdentifier: desired.identifier,
    ...(time ? { RestoreTime: time } : { UseLatestRestorableTime: true }),
    ...newInstanceSettings(desired, settings, sourceEngineVersion),
  };
}
