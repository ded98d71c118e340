import type { DBInstance, ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { DesiredInstance } from './desired-instance.ts';

/** The difference between a described instance and what the PetStore asks, as one ModifyDBInstance request. */
export interface ModificationPlan {
  /** The spec fields that differ and will be changed, for logs and status. */
  fields: string[];
  /** Undefined when the instance already matches (or is already changing to match). */
  input?: ModifyDBInstanceCommandInput;
  /** A change that cannot be made in place, naming the field; the other changes still go ahead. */
  refused?: string;
  /**
   * Changes not made because the instance was adopted and they would shrink, downgrade or unprotect it (each names the
   * field and both values); the operator never does those to a database it did not create.
   */
  held: string[];
}

const field = (name: string) => `spec.database.rds.${name}`;

/**
 * Plans the in-place changes: instance class, storage growth, storage autoscaling ceiling, backup retention, Multi-AZ,
 * deletion protection and minor version upgrades, applied immediately. Values RDS already has pending count as done,
 * so a change is requested once. Storage the spec asks below what the instance has is not drift (storage autoscaling
 * grows it; RDS never shrinks), and a PostgreSQL version is only held to when the spec sets one.
 */
export function planModification(
  instance: DBInstance,
  desired: DesiredInstance,
  { adopted = false }: { adopted?: boolean } = {},
): ModificationPlan {
  const pending = instance.PendingModifiedValues ?? {};
  const input: ModifyDBInstanceCommandInput = { DBInstanceIdentifier: desired.identifier, ApplyImmediately: true };
  const fields: string[] = [];
  const held: string[] = [];
  /** False (and the change held) when an adopted instance would lose capacity or protection by it. */
  const allowed = (name: string, weakens: boolean, from: unknown, to: unknown): boolean => {
    if (!adopted || !weakens) return true;
    held.push(`${name} ${String(from)} → ${String(to)}`);
    return false;
  };

  const currentClass = pending.DBInstanceClass ?? instance.DBInstanceClass;
  if (
    currentClass !== desired.instanceClass &&
    allowed(
      field('instanceClass'),
      isSmallerClass(desired.instanceClass, currentClass),
      currentClass,
      desired.instanceClass,
    )
  ) {
    input.DBInstanceClass = desired.instanceClass;
    fields.push(field('instanceClass'));
  }
  const allocated = pending.AllocatedStorage ?? instance.AllocatedStorage ?? 0;
  const targetAllocated = Math.max(allocated, desired.allocatedStorage);
  if (desired.allocatedStorage > allocated) {
    input.AllocatedStorage = desired.allocatedStorage;
    fields.push(field('allocatedStorage'));
  }
  // RDS reports autoscaling off as no MaxAllocatedStorage (moto: one equal to AllocatedStorage); setting the ceiling
  // to the allocated storage is how RDS turns it off.
  const ceiling = instance.MaxAllocatedStorage;
  const autoscaling = ceiling !== undefined && ceiling > (instance.AllocatedStorage ?? 0);
  const lowersCeiling = autoscaling && (desired.maxAllocatedStorage ?? 0) < ceiling;
  if (
    (desired.maxAllocatedStorage !== undefined ? ceiling !== desired.maxAllocatedStorage : autoscaling) &&
    allowed(field('maxAllocatedStorage'), lowersCeiling, ceiling, desired.maxAllocatedStorage ?? 'off')
  ) {
    input.MaxAllocatedStorage = desired.maxAllocatedStorage ?? targetAllocated;
    fields.push(field('maxAllocatedStorage'));
  }
  const retention = pending.BackupRetentionPeriod ?? instance.BackupRetentionPeriod ?? 0;
  if (
    retention !== desired.backupRetentionDays &&
    allowed(
      field('backupRetentionDays'),
      desired.backupRetentionDays < retention,
      retention,
      desired.backupRetentionDays,
    )
  ) {
    input.BackupRetentionPeriod = desired.backupRetentionDays;
    fields.push(field('backupRetentionDays'));
  }
  const multiAZ = pending.MultiAZ ?? instance.MultiAZ ?? false;
  if (multiAZ !== desired.multiAZ && allowed(field('multiAZ'), multiAZ, multiAZ, desired.multiAZ)) {
    input.MultiAZ = desired.multiAZ;
    fields.push(field('multiAZ'));
  }
  const protection = instance.DeletionProtection ?? false;
  if (
    protection !== desired.deletionProtection &&
    allowed('deletion protection', protection, protection, desired.deletionProtection)
  ) {
    input.DeletionProtection = desired.deletionProtection;
    fields.push('spec.config.environment (deletion protection)');
  }
  let refused: string | undefined;
  if (desired.engineVersionPinned) {
    const current = pending.EngineVersion ?? instance.EngineVersion ?? '';
    const verdict = compareVersions(desired.engineVersion, current);
    if (verdict === 'minor-upgrade') {
      input.EngineVersion = desired.engineVersion;
      fields.push(field('engineVersion'));
    } else if (verdict === 'downgrade') {
      refused =
        `${field('engineVersion')} ${desired.engineVersion} is older than the instance's PostgreSQL ${current}: ` +
        'RDS cannot downgrade; set it to ' +
        current +
        ' or later';
    } else if (verdict === 'major-upgrade') {
      refused =
        `${field('engineVersion')} ${desired.engineVersion} is a major upgrade from PostgreSQL ${current}, which the ` +
        'operator does not start by itself (downtime, extension and parameter group checks): upgrade with ' +
        `aws rds modify-db-instance --db-instance-identifier ${desired.identifier} --engine-version <version> ` +
        '--allow-major-version-upgrade --apply-immediately, and the PetStore follows';
    }
  }
  return { fields, held, ...(fields.length > 0 ? { input } : {}), ...(refused ? { refused } : {}) };
}

const sizes = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'];

/**
 * True when `desired` is a smaller size than `current` (db.<family>.<size>; 2xlarge > xlarge), or when either cannot
 * be read: for an adopted instance an unknown comparison counts as a downgrade.
 */
export function isSmallerClass(desired: string, current: string | undefined): boolean {
  const rank = (instanceClass: string | undefined): number | undefined => {
    const size = instanceClass?.split('.')[2];
    if (size === undefined) return undefined;
    const multiple = /^(\d+)xlarge$/.exec(size);
    if (multiple) return sizes.length - 1 + Math.log2(Number(multiple[1])) + 1;
    const index = sizes.indexOf(size);
    return index < 0 ? undefined : index;
  };
  const want = rank(desired);
  const have = rank(current);
  return want === undefined || have === undefined || want < have;
}

type VersionVerdict = 'same' | 'minor-upgrade' | 'major-upgrade' | 'downgrade';

/**
 * How `desired` (major or major.minor) relates to the instance's `current` version. A major-only version is met by
 * any minor of that major.
 */
export function compareVersions(desired: string, current: string): VersionVerdict {
  const [wantMajor, wantMinor] = parseVersion(desired);
  const [haveMajor, haveMinor] = parseVersion(current);
  if (wantMajor === undefined || haveMajor === undefined) return 'same';
  if (wantMajor > haveMajor) return 'major-upgrade';
  if (wantMajor < haveMajor) return 'downgrade';
  if (wantMinor === undefined || haveMinor === undefined || wantMinor === haveMinor) return 'same';
  return wantMinor > haveMinor ? 'minor-upgrade' : 'downgrade';
}

function parseVersion(version: string): [number | undefined, number | undefined] {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return [undefined, undefined];
  return [Number(match[1]), match[2] === undefined ? undefined : Number(match[2])];
}
