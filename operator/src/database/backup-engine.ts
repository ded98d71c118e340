import type { Logger } from 'pino';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { PetStoreBackup } from '../api/v1alpha1/petstorebackup.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';

/** What a backup pass may use: a logger, the pass's abort signal and the leader lease check before every change. */
export interface BackupContext {
  log: Logger;
  signal?: AbortSignal;
  fence?: () => void;
}

/** The outcome of asking for a backup: started (the snapshot is being taken), or not yet, and why. */
export type BackupStart =
  { kind: 'started'; instanceIdentifier: string; snapshotIdentifier: string } | { kind: 'waiting'; message: string };

/** A backup's snapshot as the engine sees it. */
export interface SnapshotState {
  phase: 'Running' | 'Completed' | 'Failed';
  message: string;
  /** The moment the snapshot holds the data of. */
  snapshotTime?: string;
  allocatedStorageGiB?: number;
}

/**
 * Backups of a database engine (rds: manual DB snapshots). Each method is one step; refusals that retrying cannot fix
 * are PermanentErrors, everything else is retried.
 */
export interface BackupEngine {
  start(backup: PetStoreBackup, petStore: PetStore, spec: ResolvedSpec, ctx: BackupContext): Promise<BackupStart>;
  observe(backup: PetStoreBackup, ctx: BackupContext): Promise<SnapshotState>;
  /** Deletes the backup's snapshot if it is there and is this backup's; `pending` when RDS cannot delete it yet. */
  remove(backup: PetStoreBackup, ctx: BackupContext): Promise<'gone' | 'pending'>;
}
