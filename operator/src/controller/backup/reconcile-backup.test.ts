import { describe, expect, it } from '@jest/globals';
import type { PetStoreBackupStatus } from '../../api/v1alpha1/petstorebackup.ts';
import { backupStatusChanged } from './reconcile-backup.ts';

const ready = (status: 'True' | 'False') => ({
  type: 'Ready',
  status,
  observedGeneration: 1,
  lastTransitionTime: '2026-12-01T00:00:00Z',
  reason: 'Running',
  message: 'Running',
});

const stored: PetStoreBackupStatus = {
  observedGeneration: 1,
  phase: 'Running',
  message: 'RDS is taking the snapshot',
  instanceIdentifier: 'petstore-pets-shop-0123456789',
  snapshotIdentifier: 'petstore-pets-shop-manual-1',
  startedAt: '2026-12-01T00:00:00Z',
  conditions: [ready('False')],
};

describe('backupStatusChanged', () => {
  it('is false for the same status with its keys in another order and a field left undefined', () => {
    const next: PetStoreBackupStatus = {
      conditions: [ready('False')],
      startedAt: '2026-12-01T00:00:00Z',
      snapshotIdentifier: 'petstore-pets-shop-manual-1',
      instanceIdentifier: 'petstore-pets-shop-0123456789',
      message: 'RDS is taking the snapshot',
      phase: 'Running',
      observedGeneration: 1,
      allocatedStorageGiB: undefined,
    };
    expect(backupStatusChanged(stored, next)).toBe(false);
  });

  it('is true when a field changes, appears, or the Ready condition flips', () => {
    expect(backupStatusChanged(stored, { ...stored, phase: 'Completed' })).toBe(true);
    expect(backupStatusChanged(stored, { ...stored, allocatedStorageGiB: 20 })).toBe(true);
    expect(backupStatusChanged(stored, { ...stored, conditions: [ready('True')] })).toBe(true);
    expect(backupStatusChanged(undefined, stored)).toBe(true);
  });
});
