import { describe, expect, it } from '@jest/globals';
import { rdsPetStore, securityGroupId, specOf, testSettings } from '../../../test/rds/fixtures.ts';
import { createInstanceInput, desiredInstance } from './desired-instance.ts';

const create = (petStore = rdsPetStore(), settings = testSettings()) =>
  createInstanceInput(desiredInstance(petStore, specOf(petStore), settings), settings);

describe('createInstanceInput', () => {
  it('asks for encrypted gp3 PostgreSQL, private, in the operator’s network, with the password managed by RDS', () => {
    expect(create()).toMatchObject({
      DBInstanceIdentifier: expect.stringMatching(/^petstore-pets-shop-[0-9a-f]{8}$/),
      Engine: 'postgres',
      EngineVersion: '17',
      AutoMinorVersionUpgrade: true,
      DBInstanceClass: 'db.t4g.micro',
      AllocatedStorage: 20,
      StorageType: 'gp3',
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      MultiAZ: false,
      DeletionProtection: false,
      ManageMasterUserPassword: true,
      MasterUsername: 'petstore',
      DBName: 'petstore',
      DBSubnetGroupName: 'pet-store-db',
      VpcSecurityGroupIds: [securityGroupId],
      PubliclyAccessible: false,
      CopyTagsToSnapshot: true,
    });
    expect(create()).not.toHaveProperty('MaxAllocatedStorage');
    expect(create()).not.toHaveProperty('MasterUserPassword');
  });

  it('turns on Multi-AZ and deletion protection in production', () => {
    const petStore = rdsPetStore({ spec: { config: { environment: 'production' } } });
    expect(create(petStore)).toMatchObject({
      MultiAZ: true,
      DeletionProtection: true,
      Tags: expect.arrayContaining([{ Key: 'Environment', Value: 'production' }]),
    });
  });

  it('takes the spec’s class, storage, ceiling, retention and pinned version (minor upgrades then wait for the user)', () => {
    const petStore = rdsPetStore({
      rds: {
        instanceClass: 'db.m7g.large',
        allocatedStorage: 100,
        maxAllocatedStorage: 500,
        backupRetentionDays: 14,
        engineVersion: '16.4',
      },
    });
    expect(create(petStore)).toMatchObject({
      DBInstanceClass: 'db.m7g.large',
      AllocatedStorage: 100,
      MaxAllocatedStorage: 500,
      BackupRetentionPeriod: 14,
      EngineVersion: '16.4',
      AutoMinorVersionUpgrade: false,
    });
  });

  it('uses the named instance identifier for adoption', () => {
    const petStore = rdsPetStore({ rds: { instanceIdentifier: 'legacy-db' } });
    expect(desiredInstance(petStore, specOf(petStore), testSettings())).toMatchObject({
      identifier: 'legacy-db',
      named: true,
    });
  });

  it('passes the optional KMS keys only when configured', () => {
    expect(create(rdsPetStore(), testSettings({ kmsKeyId: 'k1', masterUserSecretKmsKeyId: 'k2' }))).toMatchObject({
      KmsKeyId: 'k1',
      MasterUserSecretKmsKeyId: 'k2',
    });
    expect(create()).not.toHaveProperty('KmsKeyId');
  });

  it('uses the parameter group configured for the major version, and the engine default for other majors', () => {
    const settings = testSettings({ dbParameterGroups: { '17': 'pet-store-prod-postgres17' } });
    expect(create(rdsPetStore(), settings)).toMatchObject({ DBParameterGroupName: 'pet-store-prod-postgres17' });
    expect(create(rdsPetStore({ rds: { engineVersion: '17.4' } }), settings)).toMatchObject({
      DBParameterGroupName: 'pet-store-prod-postgres17',
    });
    expect(create(rdsPetStore({ rds: { engineVersion: '16' } }), settings)).not.toHaveProperty('DBParameterGroupName');
  });
});
