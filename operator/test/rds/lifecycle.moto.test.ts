// The rds engine against moto server (real HTTP through a proxy, no SDK mocks): create, credentials, rotation,
// in-place changes, and what a crash between the create call and the status write leaves behind.
import { describe, expect, it } from '@jest/globals';
import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import { postgresConnection } from '../../src/spec/database-connection.ts';
import type { RdsDatabase } from '../../src/database/rds/index.ts';
import { createRdsDatabase, rdsDefaults } from '../../src/database/rds/index.ts';
import { capturingLogger, manualClock, rdsPetStore, specOf } from './fixtures.ts';
import { useMotoRds, undeclaredActions } from './moto-rds.ts';

const moto = useMotoRds();

const { log, lines } = capturingLogger();
const clock = manualClock();
const ctx = { log, now: clock.now };
const look = (engine: RdsDatabase, petStore: PetStore) => engine.resolve(petStore, specOf(petStore), ctx);
const describeInstance = async (id: string): Promise<DBInstance> => {
  const out = await moto.current.direct.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  const instance = out.DBInstances?.[0];
  if (!instance) throw new Error(`moto has no instance ${id}`);
  return instance;
};
/** Looks until the database is ready (moto has no creating phase; RDS's secret shows "creating" once). */
async function ready(engine: RdsDatabase, petStore: PetStore) {
  for (let pass = 0; pass < 3; pass++) {
    const resolved = await look(engine, petStore);
    if (resolved.state.ready) return resolved;
    clock.advance(resolved.state.requeueAfterMs ?? 0);
  }
  throw new Error(`${petStore.metadata.name}: the database did not become ready in 3 looks`);
}

describe('creating a database', () => {
  const petStore = rdsPetStore({ name: 'create' });

  it('creates an encrypted, private PostgreSQL instance tagged for the PetStore, and says Creating until RDS has stored the password', async () => {
    const engine = moto.current.engine();
    const first = await look(engine, petStore);
    expect(first.state).toMatchObject({
      ready: false,
      reason: 'Creating',
      requeueAfterMs: rdsDefaults.statusPollIntervalMs,
    });
    expect(first.connection).toBeUndefined();
    const id = first.state.instanceIdentifier ?? '';
    expect(id).toMatch(/^petstore-pets-create-[0-9a-f]{8}$/);

    const instance = await describeInstance(id);
    expect(instance).toMatchObject({
      Engine: 'postgres',
      DBInstanceClass: 'db.t4g.micro',
      AllocatedStorage: 20,
      StorageType: 'gp3',
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      MultiAZ: false,
      DeletionProtection: false,
      PubliclyAccessible: false,
      CopyTagsToSnapshot: true,
      DBName: 'petstore',
      DBSubnetGroup: expect.objectContaining({ DBSubnetGroupName: moto.current.moto.network.dbSubnetGroupName }),
      VpcSecurityGroups: [expect.objectContaining({ VpcSecurityGroupId: moto.current.moto.network.securityGroupId })],
    });
    expect(instance.TagList).toEqual(
      expect.arrayContaining([
        { Key: 'Environment', Value: 'development' },
        { Key: 'Application', Value: 'pet-store' },
        { Key: 'Owner', Value: 'team-pets' },
        { Key: 'Cost-Center', Value: 'cc-42' },
        { Key: 'managed-by', Value: 'petstore-operator' },
        { Key: 'petstore.example.com/namespace', Value: 'pets' },
        { Key: 'petstore.example.com/name', Value: 'create' },
      ]),
    );
  });

  it('hands out a connection whose DATABASE_URL parses and points at the instance endpoint, with the password RDS keeps', async () => {
    const engine = moto.current.engine();
    const resolved = await ready(engine, petStore);
    const id = resolved.state.instanceIdentifier ?? '';
    const { Endpoint } = await describeInstance(id);
    const parsed = postgresConnection(resolved.connection?.url ?? '').postgres;
    // moto's managed secret always holds admin / P@55w0rd! (the @ must arrive URL-encoded and come back intact)
    expect(parsed).toEqual({
      username: 'admin',
      password: 'P@55w0rd!',
      host: Endpoint?.Address,
      port: Endpoint?.Port,
      dbname: 'petstore',
    });
    expect(resolved.connection?.url).toMatch(/\?sslmode=require$/);
    expect(resolved.state).toMatchObject({
      ready: true,
      reason: 'Available',
      endpoint: `${Endpoint?.Address ?? ''}:${String(Endpoint?.Port)}`,
      requeueAfterMs: rdsDefaults.rotationCheckIntervalMs,
    });
  });

  it('never logs the password', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('P@55w0rd!');
  });
});

describe('exactly one instance per PetStore', () => {
  it('is kept when the operator dies after the create call and before the status write: the next process finds the instance', async () => {
    const petStore = rdsPetStore({ name: 'crash' });
    await look(moto.current.engine(), petStore); // created; the process "dies" here, its memory and the status write lost
    const before = moto.current.proxy.requests.length;
    const resolved = await ready(moto.current.engine(), petStore);
    expect(moto.current.proxy.actionsSince(before)).not.toContain('rds:CreateDBInstance');
    expect(resolved.state.ready).toBe(true);
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });

  it('is kept when AWS created the instance but the response was lost: the SDK retries, AWS says it exists, the engine looks it up', async () => {
    const petStore = rdsPetStore({ name: 'lost-response' });
    const before = moto.current.proxy.requests.length;
    moto.current.proxy.inject('rds:CreateDBInstance', 'lose-response');
    const resolved = await look(moto.current.engine(), petStore);
    expect(moto.current.proxy.actionsSince(before).filter((a) => a === 'rds:CreateDBInstance')).toHaveLength(2);
    expect(resolved.state.instanceIdentifier).toBeDefined();
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });

  it('is kept when the process dies while every retry of the create call loses its response', async () => {
    const petStore = rdsPetStore({ name: 'lost-retries' });
    moto.current.proxy.inject('rds:CreateDBInstance', 'lose-response', 3);
    await expect(look(moto.current.engine(), petStore)).rejects.toThrow(
      /rds:CreateDBInstance on instance petstore-pets-lost-retries-\w+ failed \(InternalFailure\)/,
    );
    const resolved = await ready(moto.current.engine(), petStore);
    expect(resolved.state.ready).toBe(true);
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });

  it('is never replaced by an empty one when it disappears after the PetStore used it: DatabaseLost, nothing created', async () => {
    const petStore = rdsPetStore({ name: 'vanished' });
    const resolved = await ready(moto.current.engine(), petStore);
    const id = resolved.state.instanceIdentifier ?? '';
    // What the status says after that pass: the app ran on this instance.
    const used: PetStore = {
      ...petStore,
      status: { database: { engine: 'rds', instanceIdentifier: id, endpoint: resolved.state.endpoint ?? '' } },
    };
    await moto.current.direct.rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }),
    );

    const before = moto.current.proxy.requests.length;
    clock.advance(rdsDefaults.rotationCheckIntervalMs);
    await expect(look(moto.current.engine(), used)).rejects.toMatchObject({
      reason: 'DatabaseLost',
      message: expect.stringContaining(`RDS instance ${id}, which this PetStore used`),
    });
    expect(moto.current.proxy.actionsSince(before)).not.toContain('rds:CreateDBInstance');
    expect(await moto.current.instancesOf(petStore)).toHaveLength(0);
    // A PetStore that never had the instance (a new one, or status lost) still gets one created.
    await ready(moto.current.engine(), petStore);
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });
});

describe('AWS calls', () => {
  it('are 2 per look at a ready database (describe, read secret), and none for reconciles in between', async () => {
    const petStore = rdsPetStore({ name: 'budget' });
    const engine = moto.current.engine();
    await ready(engine, petStore);
    clock.advance(rdsDefaults.rotationCheckIntervalMs);
    let before = moto.current.proxy.requests.length;
    await look(engine, petStore);
    expect(moto.current.proxy.actionsSince(before)).toEqual([
      'rds:DescribeDBInstances',
      'secretsmanager:GetSecretValue',
    ]);

    clock.advance(60_000);
    before = moto.current.proxy.requests.length;
    const between = await look(engine, petStore);
    expect(moto.current.proxy.actionsSince(before)).toEqual([]);
    expect(between.state.requeueAfterMs).toBe(rdsDefaults.rotationCheckIntervalMs - 60_000);
    expect(between.connection).toBeDefined();
  });
});

describe('password rotation', () => {
  it('reaches the connection within rotationCheckIntervalMs of RDS rotating it', async () => {
    const petStore = rdsPetStore({ name: 'rotate' });
    const engine = moto.current.engine();
    const before = await ready(engine, petStore);
    const id = before.state.instanceIdentifier ?? '';
    await moto.current.direct.rds.send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, RotateMasterUserPassword: true, ApplyImmediately: true }),
    );
    // moto starts the rotation but leaves no value in the new version; RDS's rotation writes the new password.
    const secretArn = (await describeInstance(id)).MasterUserSecret?.SecretArn ?? '';
    await moto.current.direct.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        SecretString: JSON.stringify({ username: 'admin', password: 'n3w/p@ss word' }),
      }),
    );

    clock.advance(rdsDefaults.rotationCheckIntervalMs - 1);
    expect(postgresConnection((await look(engine, petStore)).connection?.url ?? '').postgres?.password).toBe(
      'P@55w0rd!',
    );
    clock.advance(1);
    const after = await look(engine, petStore);
    expect(after.connection?.postgres?.password).toBe('n3w/p@ss word');
    expect(postgresConnection(after.connection?.url ?? '').postgres?.password).toBe('n3w/p@ss word');
    expect(lines.join('\n')).not.toContain('n3w/p@ss word');
  });
});

describe('in-place changes', () => {
  it('changes instance class, storage and backup retention with one ModifyDBInstance, then reports Available again', async () => {
    const petStore = rdsPetStore({ name: 'resize' });
    const engine = moto.current.engine();
    const id = (await ready(engine, petStore)).state.instanceIdentifier ?? '';
    const resized = rdsPetStore({
      name: 'resize',
      rds: { instanceClass: 'db.t4g.small', allocatedStorage: 50, backupRetentionDays: 14 },
    });
    const start = moto.current.proxy.requests.length;
    const changing = await look(engine, resized);
    expect(changing.state).toMatchObject({
      ready: false,
      reason: 'Modifying',
      requeueAfterMs: rdsDefaults.statusPollIntervalMs,
    });
    expect(changing.state.message).toMatch(
      /instanceClass, spec\.database\.rds\.allocatedStorage, spec\.database\.rds\.backupRetentionDays/,
    );
    expect(changing.connection).toBeDefined(); // the pods keep their credentials while RDS works
    expect(await describeInstance(id)).toMatchObject({
      DBInstanceClass: 'db.t4g.small',
      AllocatedStorage: 50,
      BackupRetentionPeriod: 14,
    });

    clock.advance(changing.state.requeueAfterMs ?? 0);
    expect((await look(engine, resized)).state).toMatchObject({ ready: true, reason: 'Available' });
    expect(moto.current.proxy.actionsSince(start).filter((a) => a === 'rds:ModifyDBInstance')).toHaveLength(1);
  });

  it('turns on Multi-AZ and deletion protection when the environment becomes production, and retags', async () => {
    const petStore = rdsPetStore({ name: 'promote' });
    const engine = moto.current.engine();
    const id = (await ready(engine, petStore)).state.instanceIdentifier ?? '';
    const production = rdsPetStore({ name: 'promote', spec: { config: { environment: 'production' } } });
    await look(engine, production);
    const instance = await describeInstance(id);
    expect(instance).toMatchObject({ MultiAZ: true, DeletionProtection: true });
    expect(instance.TagList).toContainEqual({ Key: 'Environment', Value: 'production' });
  });

  it('reports a version downgrade as Failed naming the field, and keeps the credentials flowing', async () => {
    const petStore = rdsPetStore({ name: 'downgrade', rds: { engineVersion: '17.2' } });
    const engine = moto.current.engine();
    await ready(engine, petStore);
    const resolved = await look(engine, rdsPetStore({ name: 'downgrade', rds: { engineVersion: '16.4' } }));
    expect(resolved.state).toMatchObject({ ready: false, reason: 'Failed' });
    expect(resolved.state.message).toMatch(
      /spec\.database\.rds\.engineVersion 16\.4 is older than the instance's PostgreSQL 17\.2/,
    );
    expect(resolved.connection).toBeDefined();
  });

  it('reports a change AWS refuses with its code, and does not send it again until the spec changes', async () => {
    const petStore = rdsPetStore({ name: 'refused' });
    const engine = moto.current.engine();
    await ready(engine, petStore);
    const bigger = rdsPetStore({ name: 'refused', rds: { allocatedStorage: 21 } });
    moto.current.proxy.inject('rds:ModifyDBInstance', 'invalid-combination');
    const start = moto.current.proxy.requests.length;
    const refused = await look(engine, bigger);
    expect(refused.state).toMatchObject({
      ready: false,
      reason: 'Failed',
      requeueAfterMs: rdsDefaults.rotationCheckIntervalMs,
    });
    expect(refused.state.message).toMatch(
      /changing spec\.database\.rds\.allocatedStorage: AWS refused rds:ModifyDBInstance .*\(InvalidParameterCombination\)/,
    );
    expect(refused.connection).toBeDefined();
    clock.advance(rdsDefaults.rotationCheckIntervalMs);
    expect((await look(engine, bigger)).state.reason).toBe('Failed');
    expect(moto.current.proxy.actionsSince(start).filter((a) => a === 'rds:ModifyDBInstance')).toHaveLength(1);
  });
});

describe('standard SDK settings', () => {
  it('reach AWS through AWS_REGION and AWS_ENDPOINT_URL when no client is given', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: moto.current.moto.region,
      AWS_ENDPOINT_URL: moto.current.proxy.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    try {
      const engine = createRdsDatabase({
        clusterName: 'env-cluster',
        dbSubnetGroupName: moto.current.moto.network.dbSubnetGroupName,
        vpcSecurityGroupIds: [moto.current.moto.network.securityGroupId],
      });
      const before = moto.current.proxy.requests.length;
      const resolved = await look(engine, rdsPetStore({ name: 'sdk-env' }));
      expect(resolved.state.instanceIdentifier).toMatch(/^petstore-pets-sdk-env-/);
      expect(moto.current.proxy.actionsSince(before)).toContain('rds:CreateDBInstance');
    } finally {
      process.env = saved;
    }
  });
});

it('sends only AWS actions the IAM policy test checks (awsActions)', () => {
  expect(moto.current.proxy.requests.length).toBeGreaterThan(0);
  expect(undeclaredActions(moto.current.proxy)).toEqual([]);
});
