import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import type { PetStoreBackupSpec, PetStoreBackupStatus } from './petstorebackup.generated.ts';
import { apiVersion } from './petstore.ts';

export type { PetStoreBackupSpec, PetStoreBackupStatus } from './petstorebackup.generated.ts';

export const backupKind = 'PetStoreBackup';
export const backupPlural = 'petstorebackups';

/** A PetStoreBackup as read from the API server (metadata.name, namespace and uid are always set there). */
export interface PetStoreBackup extends KubernetesObject {
  apiVersion: typeof apiVersion;
  kind: typeof backupKind;
  metadata: V1ObjectMeta & { name: string; namespace: string; uid: string };
  spec: PetStoreBackupSpec;
  status?: PetStoreBackupStatus;
}

export type BackupPhase = NonNullable<PetStoreBackupStatus['phase']>;

/** Labels of the backups a PetStore's backupSchedule made: only those does its retention delete. */
export const scheduledForLabel = 'petstore.example.com/scheduled-for';
