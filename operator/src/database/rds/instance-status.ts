/** The DatabaseReady reasons an RDS instance's DBInstanceStatus maps to. */
export const DatabaseReason = {
  Creating: 'Creating',
  Available: 'Available',
  Modifying: 'Modifying',
  Failed: 'Failed',
  Deleting: 'Deleting',
} as const;
export type DatabaseReason = (typeof DatabaseReason)[keyof typeof DatabaseReason];

// DBInstanceStatus values, from the RDS user guide's "Viewing Amazon RDS DB instance status" table.
const creating = new Set(['creating', 'backtracking', 'restore-in-progress']);
/** Serving connections; RDS may be doing housekeeping that needs nothing from us. */
const serving = new Set([
  'available',
  'backing-up',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'converting-to-vpc',
  'resetting-master-credentials',
  'storage-optimization',
]);
/** Needs a person: RDS will not get out of these by itself (stopped: someone stopped it; RDS restarts it after 7 days). */
const failed = new Set([
  'failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'insufficient-capacity',
  'restore-error',
  'storage-full',
  'stopped',
  'stopping',
]);

/**
 * The reason an instance status maps to. Anything else RDS reports (modifying, upgrading, rebooting, maintenance,
 * starting, renaming and statuses added later) is a change in progress: Modifying, polled until it settles.
 */
export function reasonForStatus(status: string | undefined): DatabaseReason {
  if (status === undefined || creating.has(status)) return DatabaseReason.Creating;
  if (serving.has(status)) return DatabaseReason.Available;
  if (status === 'deleting') return DatabaseReason.Deleting;
  if (failed.has(status)) return DatabaseReason.Failed;
  return DatabaseReason.Modifying;
}

/** Whether RDS accepts a ModifyDBInstance now (it refuses with InvalidDBInstanceState while another change runs). */
export function acceptsModification(status: string | undefined): boolean {
  return status === 'available';
}

/** Statuses in which RDS cannot take a final snapshot: only a delete without one works. */
export function snapshotImpossible(status: string | undefined): boolean {
  return status === 'failed' || status === 'incompatible-restore' || status === 'incompatible-network';
}
