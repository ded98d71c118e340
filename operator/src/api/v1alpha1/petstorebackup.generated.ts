// Generated from crds/petstore.example.com_petstorebackups.yaml by scripts/generate.ts. Do not edit: edit the CRD and run `node scripts/generate.ts`.

/**
 * What to back up; immutable (a backup is one snapshot, taken once).
 */
export interface PetStoreBackupSpec {
  /**
   * The PetStore of this namespace whose database is backed up.
   */
  petStoreName: string;
  /**
   * What happens to the snapshot when this PetStoreBackup is deleted. Retain: the snapshot stays in AWS. Delete: the operator deletes it. Deleting the PetStore never deletes a snapshot.
   */
  deletionPolicy?: 'Retain' | 'Delete';
}

/**
 * What the operator did and observed; never holds credentials.
 */
export interface PetStoreBackupStatus {
  /**
   * The generation the status describes.
   */
  observedGeneration?: number;
  /**
   * Pending: waiting for the PetStore's database. Running: RDS is taking the snapshot. Completed: the snapshot is available. Failed: it will not be taken (message says why).
   */
  phase?: 'Pending' | 'Running' | 'Completed' | 'Failed';
  /**
   * Why the backup is in its phase, in words.
   */
  message?: string;
  /**
   * The RDS instance the snapshot was taken of.
   */
  instanceIdentifier?: string;
  /**
   * The DB snapshot, for spec.database.rds.restoreFrom.snapshotIdentifier.
   */
  snapshotIdentifier?: string;
  /**
   * When the operator asked RDS for the snapshot.
   */
  startedAt?: string;
  /**
   * When the snapshot became available.
   */
  completedAt?: string;
  /**
   * The moment the snapshot holds the data of (RDS's SnapshotCreateTime).
   */
  snapshotTime?: string;
  /**
   * Storage of the instance the snapshot was taken from, in GiB.
   */
  allocatedStorageGiB?: number;
  /**
   * Ready is True once the snapshot is available.
   */
  conditions?: {
    type: string;
    status: 'True' | 'False' | 'Unknown';
    observedGeneration?: number;
    lastTransitionTime: string;
    reason: string;
    message: string;
  }[];
}
