import { describe, expect, it } from '@jest/globals';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { BackupPhase, PetStoreBackup } from '../../api/v1alpha1/petstorebackup.ts';
import { scheduleDecision, scheduledBackup, scheduledBackupName } from './schedule.ts';

const now = new Date('2026-12-01T03:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const backup = (name: string, ageHours: number, phase?: BackupPhase): PetStoreBackup => ({
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStoreBackup',
  metadata: { name, namespace: 'shop', uid: name, creationTimestamp: hoursAgo(ageHours) as unknown as Date },
  spec: { petStoreName: 'shop' },
  ...(phase ? { status: { phase } } : {}),
});
const daily = { intervalHours: 24, keep: 2 };

describe('scheduleDecision', () => {
  it.each<[string, PetStoreBackup[], { due: boolean; expired: string[]; nextAt: string }]>([
    ['no backup yet: one is due now', [], { due: true, expired: [], nextAt: now.toISOString() }],
    [
      'the newest is younger than the interval: not due, next at its age + interval',
      [backup('a', 5, 'Completed')],
      { due: false, expired: [], nextAt: hoursAgo(5 - 24) },
    ],
    [
      'the newest is exactly one interval old: due',
      [backup('a', 24, 'Completed')],
      { due: true, expired: [], nextAt: now.toISOString() },
    ],
    [
      'three completed, keep 2: the oldest goes',
      [backup('c', 1, 'Completed'), backup('a', 49, 'Completed'), backup('b', 25, 'Completed')],
      { due: false, expired: ['a'], nextAt: hoursAgo(1 - 24) },
    ],
    [
      'a failed one older than the kept ones goes too, oldest first',
      [
        backup('f', 60, 'Failed'),
        backup('a', 49, 'Completed'),
        backup('b', 25, 'Completed'),
        backup('c', 1, 'Completed'),
      ],
      { due: false, expired: ['f', 'a'], nextAt: hoursAgo(1 - 24) },
    ],
    [
      'fewer completed than keep: nothing goes, even old failed ones',
      [backup('f', 60, 'Failed'), backup('b', 25, 'Completed')],
      { due: true, expired: [], nextAt: hoursAgo(25 - 24) },
    ],
    [
      'a running backup is never deleted',
      [
        backup('r', 70, 'Running'),
        backup('a', 49, 'Completed'),
        backup('b', 25, 'Completed'),
        backup('c', 1, 'Completed'),
      ],
      { due: false, expired: ['a'], nextAt: hoursAgo(1 - 24) },
    ],
    [
      'failed newer than the oldest kept stays (kept for its message)',
      [
        backup('a', 49, 'Completed'),
        backup('f', 10, 'Failed'),
        backup('b', 25, 'Completed'),
        backup('c', 1, 'Completed'),
      ],
      { due: false, expired: ['a'], nextAt: hoursAgo(1 - 24) },
    ],
  ])('%s', (_name, scheduled, expected) => {
    const decision = scheduleDecision(now, daily, scheduled);
    expect({ ...decision, nextAt: decision.nextAt.toISOString() }).toEqual(expected);
  });
});

describe('scheduled backups', () => {
  const petStore = {
    metadata: { name: 'shop', namespace: 'pets', uid: 'u' },
  } as unknown as PetStore;

  it('are named after the PetStore and the UTC second, so they sort by time', () => {
    expect(scheduledBackupName('shop', now)).toBe('shop-20261201030000');
    expect(scheduledBackupName('x'.repeat(253), now)).toHaveLength(253);
  });

  it('have no owner reference (deleting the PetStore keeps them), the schedule label, and deletionPolicy Delete', () => {
    const made = scheduledBackup(petStore, now);
    expect(made.metadata.ownerReferences).toBeUndefined();
    expect(made.metadata.labels).toEqual({
      'petstore.example.com/scheduled-for': 'shop',
      'app.kubernetes.io/managed-by': 'petstore-operator',
    });
    expect(made.spec).toEqual({ petStoreName: 'shop', deletionPolicy: 'Delete' });
  });
});
