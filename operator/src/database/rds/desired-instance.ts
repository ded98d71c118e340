import type { CreateDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';
import { finalSnapshotIdentifier, instanceIdentifier } from './identifiers.ts';
import type { RdsSettings } from './options.ts';
import { desiredTags, toTagList } from './tags.ts';

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
}

export function desiredInstance(petStore: PetStore, spec: ResolvedSpec, settings: RdsSettings): DesiredInstance {
  const { namespace, name, uid } = petStore.metadata;
  const rds = spec.database.rds;
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
  };
}

/**
 * The CreateDBInstance request: PostgreSQL on encrypted gp3 storage in the operator's subnet group, never public, with
 * the master password generated, stored and rotated by RDS in Secrets Manager.
 */
export function createInstanceInput(desired: DesiredInstance, settings: RdsSettings): CreateDBInstanceCommandInput {
  const parameterGroup = settings.dbParameterGroups[desired.engineVersion.split('.')[0] ?? ''];
  return {
    DBInstanceIdentifier: desired.identifier,
    DBInstanceClass: desired.instanceClass,
    Engine: 'postgres',
    EngineVersion: desired.engineVersion,
    // A pinned minor version means the user wants to choose when it changes; a major-only version tracks its minors.
    AutoMinorVersionUpgrade: !desired.engineVersion.includes('.'),
    DBName: settings.databaseName,
    MasterUsername: settings.masterUsername,
    ManageMasterUserPassword: true,
    ...(settings.masterUserSecretKmsKeyId ? { MasterUserSecretKmsKeyId: settings.masterUserSecretKmsKeyId } : {}),
    AllocatedStorage: desired.allocatedStorage,
    ...(desired.maxAllocatedStorage !== undefined ? { MaxAllocatedStorage: desired.maxAllocatedStorage } : {}),
    StorageType: 'gp3',
    StorageEncrypted: true,
    ...(settings.kmsKeyId ? { KmsKeyId: settings.kmsKeyId } : {}),
    BackupRetentionPeriod: desired.backupRetentionDays,
    MultiAZ: desired.multiAZ,
    DeletionProtection: desired.deletionProtection,
    DBSubnetGroupName: settings.dbSubnetGroupName,
    VpcSecurityGroupIds: [...settings.vpcSecurityGroupIds],
    ...(parameterGroup ? { DBParameterGroupName: parameterGroup } : {}),
    PubliclyAccessible: false,
    CopyTagsToSnapshot: true,
    Tags: toTagList(desired.tags),
  };
}
