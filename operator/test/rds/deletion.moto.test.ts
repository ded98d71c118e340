// deletionPolicy against moto server: Snapshot, Delete, Retain, production's deletion protection, and instances that
// are not the PetStore's.
import { describe, expect, it } from '@jest/globals';
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import type { RdsDatabase } from '../../src/database/rds/index.ts';
import { capturingLogger, manualClock, rdsPetStore, specOf } from './fixtures.ts';
import { useMotoRds, undeclaredActions } from './moto-rds.ts';

const moto = useMotoRds();

const { log } = capturingLogger();
const clock = manualClock();
const ctx = { log, now: clock.now };

async function describeInstance(id: string): Promise<DBInstance | undefined> {
  try {
    return (await moto.current.direct.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })))
      .DBInstances?.[0];
  } catch {
    return undefined;
  }
}

/** Creates the PetStore's instance and waits until it is ready; returns its identifier. */
async function provision(engine: RdsDatabase, petStore: PetStore): Promise<string> {
  for (let pass = 0; pass < 3; pass++) {
    const resolved = await engine.resolve(petStore, specOf(petStore), ctx);
    if (resolved.state.ready) return resolved.state.instanceIdentifier ?? '';
    clock.advance(resolved.state.requeueAfterMs ?? 0);
  }
  throw new Error('not ready after 3 looks');
}

/** Runs finalize steps until done (at most 5), returning each step's status message. */
async function finalizeAll(engine: RdsDatabase, petStore: PetStore): Promise<string[]> {
  const messages: string[] = [];
  for (let step = 0; step < 5; step++) {
    const result = await engine.finalize(petStore, specOf(petStore), ctx);
    messages.push(result.state.message);
    if (result.done) return messages;
    expect(result.state).toMatchObject({ ready: false, reason: 'Deleting', requeueAfterMs: 30_000 });
    clock.advance(result.state.requeueAfterMs ?? 0);
  }
  throw new Error(`finalize not done after 5 steps: ${messages.join(' | ')}`);
}

describe('deletionPolicy', () => {
  it('Snapshot deletes the instance after a final snapshot named after the PetStore and its UID', async () => {
    const petStore = rdsPetStore({
      name: 'snap',
      uid: '11111111-2222-4333-8444-555555555555',
      rds: { deletionPolicy: 'Snapshot' },
    });
    const engine = moto.current.engine();
    const id = await provision(engine, petStore);
    const messages = await finalizeAll(engine, petStore);
    expect(messages[0]).toBe(
      `RDS is deleting instance ${id} after the final snapshot petstore-pets-snap-11111111-2222-4333-8444-555555555555-final`,
    );
    expect(await describeInstance(id)).toBeUndefined();
    const snapshots = await moto.current.direct.rds.send(
      new DescribeDBSnapshotsCommand({
        DBSnapshotIdentifier: 'petstore-pets-snap-11111111-2222-4333-8444-555555555555-final',
      }),
    );
    expect(snapshots.DBSnapshots?.[0]).toMatchObject({ DBInstanceIdentifier: id });
    expect(snapshots.DBSnapshots?.[0]?.TagList).toContainEqual({ Key: 'petstore.example.com/name', Value: 'snap' });
  });

  it('Delete deletes the instance without a snapshot', async () => {
    const petStore = rdsPetStore({ name: 'drop', rds: { deletionPolicy: 'Delete' } });
    const engine = moto.current.engine();
    const id = await provision(engine, petStore);
    const messages = await finalizeAll(engine, petStore);
    expect(messages[0]).toBe(`RDS is deleting instance ${id} without a final snapshot`);
    expect(await describeInstance(id)).toBeUndefined();
    const snapshots = await moto.current.direct.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id }));
    expect(snapshots.DBSnapshots).toEqual([]);
  });

  it('Retain keeps the instance, with its deletion protection, tagged released', async () => {
    const petStore = rdsPetStore({
      name: 'keep',
      rds: { deletionPolicy: 'Retain' },
      spec: { config: { environment: 'production' } },
    });
    const engine = moto.current.engine();
    const id = await provision(engine, petStore);
    expect(await finalizeAll(engine, petStore)).toEqual([
      `RDS instance ${id} is kept (deletionPolicy Retain), tagged petstore.example.com/released=true`,
    ]);
    const instance = await describeInstance(id);
    expect(instance).toMatchObject({ DBInstanceStatus: 'available', DeletionProtection: true });
    expect(instance?.TagList).toContainEqual({ Key: 'petstore.example.com/released', Value: 'true' });
  });

  it('turns off deletion protection first in production, saying so, then deletes', async () => {
    const petStore = rdsPetStore({
      name: 'prod',
      rds: { deletionPolicy: 'Snapshot' },
      spec: { config: { environment: 'production' } },
    });
    const engine = moto.current.engine();
    const id = await provision(engine, petStore);
    expect((await describeInstance(id))?.DeletionProtection).toBe(true);
    const messages = await finalizeAll(engine, petStore);
    expect(messages[0]).toBe(
      `turning off deletion protection of RDS instance ${id} before deleting it (deletionPolicy Snapshot)`,
    );
    expect(messages[1]).toMatch(/^RDS is deleting instance .* after the final snapshot petstore-pets-prod-.*-final$/);
    expect(messages.at(-1)).toBe(`RDS instance ${id} is gone`);
    expect(await describeInstance(id)).toBeUndefined();
  });

  it('is done at once when the instance never existed (deleted before the first look)', async () => {
    const petStore = rdsPetStore({ name: 'never' });
    expect(await finalizeAll(moto.current.engine(), petStore)).toEqual([
      expect.stringMatching(/^RDS instance petstore-pets-never-\w+ is gone$/),
    ]);
  });

  it('never touches an instance the PetStore was refused (named without adopt): it is not the PetStore’s to delete', async () => {
    await moto.current.direct.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'someone-elses-db',
        DBInstanceClass: 'db.t4g.micro',
        Engine: 'postgres',
        MasterUsername: 'app',
        ManageMasterUserPassword: true,
      }),
    );
    const petStore = rdsPetStore({
      name: 'intruder',
      rds: { instanceIdentifier: 'someone-elses-db', deletionPolicy: 'Delete' },
    });
    const engine = moto.current.engine();
    await expect(engine.resolve(petStore, specOf(petStore), ctx)).rejects.toThrow(/adopt: true/);
    expect(await finalizeAll(engine, petStore)).toEqual([
      'RDS instance someone-elses-db does not belong to this PetStore; left as it is',
    ]);
    expect(await describeInstance('someone-elses-db')).toMatchObject({ DBInstanceStatus: 'available' });
  });

  it('retries a failed step: AWS errors surface to the reconciler, and the next step picks up where it stopped', async () => {
    const petStore = rdsPetStore({ name: 'flaky', rds: { deletionPolicy: 'Delete' } });
    const engine = moto.current.engine();
    const id = await provision(engine, petStore);
    moto.current.proxy.inject('rds:DeleteDBInstance', 'server-error', 3);
    await expect(engine.finalize(petStore, specOf(petStore), ctx)).rejects.toThrow(
      `rds:DeleteDBInstance on instance ${id} failed (InternalFailure)`,
    );
    expect(await describeInstance(id)).toBeDefined();
    await finalizeAll(engine, petStore);
    expect(await describeInstance(id)).toBeUndefined();
  });
});

it('sends only AWS actions the IAM policy test checks (awsActions)', () => {
  expect(moto.current.proxy.requests.length).toBeGreaterThan(0);
  expect(undeclaredActions(moto.current.proxy)).toEqual([]);
});
