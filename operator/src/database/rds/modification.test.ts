import { describe, expect, it } from '@jest/globals';
import type { DBInstance } from '@aws-sdk/client-rds';
import { rdsPetStore, specOf, testSettings } from '../../../test/rds/fixtures.ts';
import { desiredInstance } from './desired-instance.ts';
import { compareVersions, planModification } from './modification.ts';

const desired = desiredInstance(rdsPetStore(), specOf(rdsPetStore()), testSettings());
const matching: DBInstance = {
  DBInstanceIdentifier: desired.identifier,
  DBInstanceClass: 'db.t4g.micro',
  AllocatedStorage: 20,
  BackupRetentionPeriod: 7,
  MultiAZ: false,
  DeletionProtection: false,
  EngineVersion: '17.2',
};
const plan = (instance: Partial<DBInstance>, want: Partial<typeof desired> = {}) =>
  planModification({ ...matching, ...instance }, { ...desired, ...want });

describe('planModification of an adopted instance', () => {
  const adopted = (instance: Partial<DBInstance>, want: Partial<typeof desired> = {}) =>
    planModification({ ...matching, ...instance }, { ...desired, ...want }, { adopted: true });

  it('holds every change that would shrink, downgrade or unprotect it, naming each, and sends nothing', () => {
    const result = adopted({
      DBInstanceClass: 'db.r6g.2xlarge',
      MultiAZ: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
      AllocatedStorage: 100,
      MaxAllocatedStorage: 500,
    });
    expect(result.input).toBeUndefined();
    expect(result.held).toEqual([
      'spec.database.rds.instanceClass db.r6g.2xlarge → db.t4g.micro',
      'spec.database.rds.maxAllocatedStorage 500 → off',
      'spec.database.rds.backupRetentionDays 30 → 7',
      'spec.database.rds.multiAZ true → false',
      'deletion protection true → false',
    ]);
  });

  it('still makes the changes that strengthen it', () => {
    const result = adopted({ DBInstanceClass: 'db.t4g.nano', BackupRetentionPeriod: 1 }, { multiAZ: true });
    expect(result.held).toEqual([]);
    expect(result.fields).toEqual([
      'spec.database.rds.instanceClass',
      'spec.database.rds.backupRetentionDays',
      'spec.database.rds.multiAZ',
    ]);
  });
});

describe('planModification', () => {
  it('changes nothing when the instance matches', () => {
    expect(plan({})).toEqual({ fields: [], held: [] });
  });

  it.each([
    [
      'the instance class',
      { DBInstanceClass: 'db.t4g.small' },
      {},
      { DBInstanceClass: 'db.t4g.micro' },
      'instanceClass',
    ],
    ['grown storage', {}, { allocatedStorage: 50 }, { AllocatedStorage: 50 }, 'allocatedStorage'],
    ['backup retention', { BackupRetentionPeriod: 1 }, {}, { BackupRetentionPeriod: 7 }, 'backupRetentionDays'],
    ['Multi-AZ', {}, { multiAZ: true }, { MultiAZ: true }, 'multiAZ'],
    [
      'a storage autoscaling ceiling',
      {},
      { maxAllocatedStorage: 100 },
      { MaxAllocatedStorage: 100 },
      'maxAllocatedStorage',
    ],
    [
      'storage autoscaling turned off (ceiling = allocated)',
      { MaxAllocatedStorage: 100 },
      {},
      { MaxAllocatedStorage: 20 },
      'maxAllocatedStorage',
    ],
    [
      'a pinned minor upgrade',
      {},
      { engineVersion: '17.4', engineVersionPinned: true },
      { EngineVersion: '17.4' },
      'engineVersion',
    ],
  ])('changes %s in place, immediately', (_case, instance, want, change, fieldName) => {
    const result = plan(instance, want);
    expect(result.input).toEqual({ DBInstanceIdentifier: desired.identifier, ApplyImmediately: true, ...change });
    expect(result.fields).toEqual([`spec.database.rds.${fieldName}`]);
  });

  it('turns deletion protection on in production and off elsewhere', () => {
    expect(plan({}, { deletionProtection: true }).input).toMatchObject({ DeletionProtection: true });
    expect(plan({ DeletionProtection: true }).input).toMatchObject({ DeletionProtection: false });
  });

  it('asks once: a value RDS already has pending counts as done', () => {
    expect(
      plan({ DBInstanceClass: 'db.t4g.small', PendingModifiedValues: { DBInstanceClass: 'db.t4g.micro' } }),
    ).toEqual({ fields: [], held: [] });
  });

  it('does not shrink storage that autoscaling grew beyond the spec', () => {
    expect(plan({ AllocatedStorage: 35, MaxAllocatedStorage: 100 }, { maxAllocatedStorage: 100 })).toEqual({
      fields: [],
      held: [],
    });
  });

  it('does not hold an instance to the operator default version when the spec sets none', () => {
    expect(plan({ EngineVersion: '16.4' })).toEqual({ fields: [], held: [] });
  });

  it.each([
    [
      'a downgrade',
      '16',
      /spec\.database\.rds\.engineVersion 16 is older than the instance's PostgreSQL 17\.2: RDS cannot downgrade/,
    ],
    ['a minor downgrade', '17.1', /engineVersion 17\.1 is older/],
    [
      'a major upgrade',
      '18',
      /engineVersion 18 is a major upgrade from PostgreSQL 17\.2.*--allow-major-version-upgrade/,
    ],
  ])('refuses %s, naming the field, and still makes the other changes', (_case, version, message) => {
    const result = plan({ BackupRetentionPeriod: 1 }, { engineVersion: version, engineVersionPinned: true });
    expect(result.refused).toMatch(message);
    expect(result.input).toMatchObject({ BackupRetentionPeriod: 7 });
    expect(result.input).not.toHaveProperty('EngineVersion');
  });
});

describe('compareVersions', () => {
  it.each([
    ['17', '17.2', 'same'],
    ['17.2', '17.2', 'same'],
    ['17.4', '17.2', 'minor-upgrade'],
    ['17.10', '17.9', 'minor-upgrade'],
    ['17.1', '17.2', 'downgrade'],
    ['16', '17.2', 'downgrade'],
    ['18', '17.2', 'major-upgrade'],
  ])('%s against %s: %s', (want, have, verdict) => {
    expect(compareVersions(want, have)).toBe(verdict);
  });
});
