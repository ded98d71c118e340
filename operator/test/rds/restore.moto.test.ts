// Restore as a spec (spec.database.rds.restoreFrom) against moto server: from a snapshot or a point in time, with the
// PetStore's own settings, never from another namespace's data without the account owner's grant.
import { describe, expect, it } from '@jest/globals';
import {
  AddTagsToResourceCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import type { RdsDatabase } from '../../src/database/rds/index.ts';
import { tagKeys, tagMap } from '../../src/database/rds/tags.ts';
import { DependencyMissingError, isPermanentError } from '../../src/runtime/errors.ts';
import { capturingLogger, manualClock, rdsPetStore, specOf, rejection } from './fixtures.ts';
import { useMotoRds, undeclaredActions } from './moto-rds.ts';

const moto = useMotoRds();

const { log } = capturingLogger();
const clock = manualClock();
const ctx = { log, now: clock.now };
const look = (engine: RdsDatabase, petStore: PetStore) => engine.resolve(petStore, specOf(petStore), ctx);
const describeInstance = async (id: string): Promise<DBInstance | undefined> =>
  (await moto.current.direct.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
async function ready(engine: RdsDatabase, petStore: PetStore) {
  for (let pass = 0; pass < 3; pass++) {
    const resolved = await look(engine, petStore);
    if (resolved.state.ready) return resolved;
    clock.advance(resolved.state.requeueAfterMs ?? 0);
  }
  throw new Error(`${petStore.metadata.name}: the database did not become ready in 3 looks`);
}
/** A snapshot of `instance` carrying its tags, as RDS does for an instance with CopyTagsToSnapshot. */
async function snapshotOf(instance: DBInstance, id: string, extraTags: { Key: string; Value: string }[] = []) {
  await moto.current.direct.rds.send(
    new CreateDBSnapshotCommand({
      DBInstanceIdentifier: instance.DBInstanceIdentifier,
      DBSnapshotIdentifier: id,
      Tags: [...(instance.TagList ?? []), ...extraTags],
    }),
  );
}
const restoreActions = () =>
  moto.current.proxy.requests
    .map((r) => r.action)
    .filter((action) => action.startsWith('rds:Restore') || action === 'rds:CreateDBInstance');

describe('restoreFrom', () => {
  it('restores a new instance from a snapshot of the same namespace with the PetStore’s settings, says so in its state, and is Ready with credentials', async () => {
    const engine = moto.current.engine();
    const original = rdsPetStore({ name: 'original' });
    const first = await ready(engine, original);
    const source = await describeInstance(first.state.instanceIdentifier ?? '');
    if (!source) throw new Error('no source instance');
    await snapshotOf(source, 'petstore-pets-original-nightly');

    const before = moto.current.proxy.requests.length;
    const restored = rdsPetStore({
      name: 'restored',
      uid: '0b5f3c2a-1111-4c3e-9a8f-665544332211',
      rds: { instanceClass: 'db.t4g.small', restoreFrom: { snapshotIdentifier: 'petstore-pets-original-nightly' } },
    });
    const resolved = await ready(engine, restored);
    const actions = moto.current.proxy.requests.slice(before).map((r) => r.action);
    expect(actions).toContain('rds:RestoreDBInstanceFromDBSnapshot');
    expect(actions).not.toContain('rds:CreateDBInstance');
    expect(resolved.state).toMatchObject({ ready: true, restoredFrom: 'snapshot petstore-pets-original-nightly' });
    expect(resolved.connection).toBeDefined();

    const instance = await describeInstance(resolved.state.instanceIdentifier ?? '');
    expect(instance).toMatchObject({
      DBInstanceClass: 'db.t4g.small',
      PubliclyAccessible: false,
      CopyTagsToSnapshot: true,
      DBSubnetGroup: expect.objectContaining({ DBSubnetGroupName: moto.current.moto.network.dbSubnetGroupName }),
      MasterUserSecret: expect.objectContaining({ SecretArn: expect.any(String) }),
    });
    const tags = tagMap(instance?.TagList);
    // The new instance is this PetStore's, not the snapshot's source's.
    expect(tags).toMatchObject({
      [tagKeys.name]: 'restored',
      [tagKeys.namespace]: 'pets',
      [tagKeys.restoredFrom]: 'snapshot petstore-pets-original-nightly',
    });
    expect(undeclaredActions(moto.current.proxy)).toEqual([]);

    // Later looks keep the record and never restore again.
    const count = restoreActions().length;
    clock.advance(resolved.state.requeueAfterMs ?? 0);
    expect((await look(moto.current.engine(), restored)).state.restoredFrom).toBe(
      'snapshot petstore-pets-original-nightly',
    );
    expect(restoreActions()).toHaveLength(count);
  });

  it('restores to the latest restorable time of an instance of the same namespace', async () => {
    const engine = moto.current.engine();
    const source = await ready(
      engine,
      rdsPetStore({ name: 'pitr-source', uid: '1c1c1c1c-2222-4c3e-9a8f-665544332211' }),
    );
    const sourceId = source.state.instanceIdentifier ?? '';
    const restored = rdsPetStore({
      name: 'pitr-copy',
      uid: '2d2d2d2d-3333-4c3e-9a8f-665544332211',
      rds: { restoreFrom: { pointInTime: { sourceInstanceIdentifier: sourceId } } },
    });
    const before = moto.current.proxy.requests.length;
    const resolved = await ready(engine, restored);
    const restore = moto.current.proxy.requests
      .slice(before)
      .find((r) => r.action === 'rds:RestoreDBInstanceToPointInTime');
    expect(restore).toBeDefined();
    expect(resolved.state.restoredFrom).toBe(`${sourceId} at latest restorable time`);
    expect(tagMap((await describeInstance(resolved.state.instanceIdentifier ?? ''))?.TagList)[tagKeys.name]).toBe(
      'pitr-copy',
    );
  });

  it('attacker: a snapshot of another namespace’s PetStore is refused permanently, naming the grant; nothing is restored', async () => {
    const engine = moto.current.engine();
    const victim = await ready(
      engine,
      rdsPetStore({ name: 'victim', namespace: 'bank', uid: '3e3e3e3e-4444-4c3e-9a8f-665544332211' }),
    );
    const victimInstance = await describeInstance(victim.state.instanceIdentifier ?? '');
    if (!victimInstance) throw new Error('no victim instance');
    await snapshotOf(victimInstance, 'petstore-bank-victim-nightly');

    const attacker = rdsPetStore({
      name: 'thief',
      uid: '4f4f4f4f-5555-4c3e-9a8f-665544332211',
      rds: { restoreFrom: { snapshotIdentifier: 'petstore-bank-victim-nightly' } },
    });
    const count = restoreActions().length;
    const error = await rejection(look(engine, attacker));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toBe(
      'DB snapshot petstore-bank-victim-nightly does not belong to a PetStore of namespace pets in this cluster, so this ' +
        'PetStore may not restore from it. An administrator of the AWS account can grant it by tagging it ' +
        'petstore.example.com/restorable-by=test-eks/pets/thief',
    );
    expect(restoreActions()).toHaveLength(count);
    expect(await moto.current.instancesOf(attacker)).toEqual([]);

    // The same through a point in time of the victim's instance.
    const viaInstance = rdsPetStore({
      name: 'thief2',
      uid: '5a5a5a5a-6666-4c3e-9a8f-665544332211',
      rds: { restoreFrom: { pointInTime: { sourceInstanceIdentifier: victimInstance.DBInstanceIdentifier ?? '' } } },
    });
    expect(isPermanentError(await rejection(look(engine, viaInstance)))).toBe(true);
    expect(restoreActions()).toHaveLength(count);
  });

  it('restores another namespace’s snapshot once the account owner tagged it restorable-by this PetStore', async () => {
    const engine = moto.current.engine();
    const legacy = await ready(
      engine,
      rdsPetStore({ name: 'legacy', namespace: 'old-team', uid: '6b6b6b6b-7777-4c3e-9a8f-665544332211' }),
    );
    const legacyInstance = await describeInstance(legacy.state.instanceIdentifier ?? '');
    if (!legacyInstance) throw new Error('no legacy instance');
    await snapshotOf(legacyInstance, 'petstore-old-team-legacy-handover');
    const snapshotArn = `arn:aws:rds:${moto.current.moto.region}:123456789012:snapshot:petstore-old-team-legacy-handover`;
    await moto.current.direct.rds.send(
      new AddTagsToResourceCommand({
        ResourceName: snapshotArn,
        Tags: [{ Key: tagKeys.restorableBy, Value: 'test-eks/pets/heir' }],
      }),
    );
    const heir = rdsPetStore({
      name: 'heir',
      uid: '7c7c7c7c-8888-4c3e-9a8f-665544332211',
      rds: { restoreFrom: { snapshotIdentifier: 'petstore-old-team-legacy-handover' } },
    });
    const resolved = await ready(engine, heir);
    expect(resolved.state.restoredFrom).toBe('snapshot petstore-old-team-legacy-handover');
  });

  it('waits for a snapshot that does not exist yet, saying which', async () => {
    const waiting = rdsPetStore({
      name: 'early',
      uid: '8d8d8d8d-9999-4c3e-9a8f-665544332211',
      rds: { restoreFrom: { snapshotIdentifier: 'petstore-pets-not-yet' } },
    });
    const error = await rejection(look(moto.current.engine(), waiting));
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect(error.message).toBe(
      "DB snapshot petstore-pets-not-yet named by spec.database.rds.restoreFrom.snapshotIdentifier does not exist in the operator's region",
    );
  });
});
