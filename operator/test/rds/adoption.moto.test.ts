// Adopting existing instances against moto server: by tags, by opt-in, never another PetStore's; and re-attaching a
// retained instance.
import { describe, expect, it } from '@jest/globals';
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import { DependencyMissingError } from '../../src/runtime/errors.ts';
import { tagKeys, tagMap } from '../../src/database/rds/tags.ts';
import { isPermanentError } from '../../src/runtime/errors.ts';
import { capturingLogger, manualClock, rdsPetStore, specOf, rejection } from './fixtures.ts';
import { useMotoRds, undeclaredActions } from './moto-rds.ts';

const moto = useMotoRds();

const { log } = capturingLogger();
const clock = manualClock();
const ctx = { log, now: clock.now };
const look = (petStore: PetStore, engine = moto.current.engine()) => engine.resolve(petStore, specOf(petStore), ctx);
const tagsOf = async (id: string): Promise<Record<string, string>> => {
  const instance: DBInstance | undefined = (
    await moto.current.direct.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
  ).DBInstances?.[0];
  return tagMap(instance?.TagList);
};
const createForeign = (
  id: string,
  tags: { Key: string; Value: string }[] = [{ Key: 'team', Value: 'legacy' }],
  settings: Partial<ConstructorParameters<typeof CreateDBInstanceCommand>[0]> = {},
) =>
  moto.current.direct.rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.t4g.micro',
      Engine: 'postgres',
      MasterUsername: 'app',
      ManageMasterUserPassword: true,
      DBName: 'legacy',
      Tags: tags,
      ...settings,
    }),
  );
/** The account owner's grant: the tag a tenant cannot write. */
const grantTo = (name: string, namespace = 'pets') => ({
  Key: tagKeys.adoptableBy,
  Value: `test-eks/${namespace}/${name}`,
});
const describeInstance = async (id: string): Promise<DBInstance | undefined> =>
  (await moto.current.direct.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];

describe('adoption', () => {
  it('refuses an existing instance whose tags do not name the PetStore, permanently, saying how to opt in, and leaves it untouched', async () => {
    await createForeign('legacy-a');
    const error = await rejection(look(rdsPetStore({ name: 'adopter', rds: { instanceIdentifier: 'legacy-a' } })));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toBe(
      'RDS instance legacy-a exists but is not tagged managed-by=petstore-operator for this PetStore. To let this PetStore take it over, ' +
        'an administrator of the AWS account tags it petstore.example.com/adoptable-by=test-eks/pets/adopter and the PetStore sets ' +
        'spec.database.rds.adopt: true (the operator then tags it, manages its settings without shrinking, downgrading or ' +
        'unprotecting it, and applies deletionPolicy to it when the PetStore is deleted)',
    );
    expect(await tagsOf('legacy-a')).toEqual({ team: 'legacy' });
  });

  it('attacker: a tenant’s adopt: true alone takes nothing: refused, naming the administrator’s grant, no tag, no secret read', async () => {
    await createForeign('victim-db');
    const before = moto.current.proxy.requests.length;
    const attacker = rdsPetStore({
      name: 'thief',
      namespace: 'evil',
      rds: { instanceIdentifier: 'victim-db', adopt: true },
    });
    const error = await rejection(look(attacker));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toMatch(
      'spec.database.rds.adopt is true, but adoption needs an administrator of the AWS account to grant it first: ' +
        'aws rds add-tags-to-resource --resource-name <instance ARN> --tags Key=petstore.example.com/adoptable-by,Value=test-eks/evil/thief',
    );
    expect(moto.current.proxy.actionsSince(before)).toEqual(['rds:DescribeDBInstances']);
    expect(await tagsOf('victim-db')).toEqual({ team: 'legacy' });
  });

  it('attacker: a grant for another PetStore does not let this one adopt', async () => {
    await createForeign('granted-elsewhere', [grantTo('rightful', 'team-a')]);
    const attacker = rdsPetStore({
      name: 'rightful',
      namespace: 'evil',
      rds: { instanceIdentifier: 'granted-elsewhere', adopt: true },
    });
    expect((await rejection(look(attacker))).message).toMatch(/needs an administrator of the AWS account to grant it/);
    expect(await tagsOf('granted-elsewhere')).not.toHaveProperty(['managed-by']);
  });

  it('attacker: never adopts an instance released by another namespace, even with a grant', async () => {
    const owner = rdsPetStore({ name: 'keeper', namespace: 'team-a', rds: { deletionPolicy: 'Retain' } });
    const engine = moto.current.engine();
    const id = (await look(owner, engine)).state.instanceIdentifier ?? '';
    expect((await engine.finalize(owner, specOf(owner), ctx)).done).toBe(true);
    const instance = await describeInstance(id);
    await moto.current.direct.rds.send(
      new AddTagsToResourceCommand({ ResourceName: instance?.DBInstanceArn, Tags: [grantTo('keeper', 'evil')] }),
    );
    const attacker = rdsPetStore({ name: 'keeper', namespace: 'evil', rds: { instanceIdentifier: id, adopt: true } });
    const error = await rejection(look(attacker, engine));
    expect(error.message).toMatch(
      `RDS instance ${id} was released by PetStore team-a/keeper of cluster test-eks; a PetStore never adopts a database released by another namespace or cluster`,
    );
    expect(await tagsOf(id)).toMatchObject({
      'petstore.example.com/namespace': 'team-a',
      'petstore.example.com/released': 'true',
    });
  });

  it('attacker: adopting a granted production instance does not shrink, downgrade or unprotect it, on any look, and says so', async () => {
    await createForeign('prod-db', [grantTo('small')], {
      DBInstanceClass: 'db.r6g.xlarge',
      MultiAZ: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
    });
    const petStore = rdsPetStore({ name: 'small', rds: { instanceIdentifier: 'prod-db', adopt: true } });
    const engine = moto.current.engine();
    const before = moto.current.proxy.requests.length;
    let resolved = await look(petStore, engine);
    for (let pass = 0; pass < 3; pass++) {
      clock.advance(resolved.state.requeueAfterMs ?? 0);
      resolved = await look(petStore, engine);
    }
    expect(moto.current.proxy.actionsSince(before)).not.toContain('rds:ModifyDBInstance');
    expect(await describeInstance('prod-db')).toMatchObject({
      DBInstanceClass: 'db.r6g.xlarge',
      MultiAZ: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
    });
    expect(await tagsOf('prod-db')).toMatchObject({ 'petstore.example.com/adopted': 'true' });
    expect(resolved.state).toMatchObject({ ready: true });
    expect(resolved.state.message).toMatch(
      'not applied to this adopted instance because it would shrink, downgrade or unprotect it: ' +
        'spec.database.rds.instanceClass db.r6g.xlarge → db.t4g.micro, spec.database.rds.backupRetentionDays 30 → 7, ' +
        'spec.database.rds.multiAZ true → false, deletion protection true → false',
    );
  });

  it('takes it over with adopt: true and the administrator’s grant, tagging it for the PetStore (other tags kept) and handing out its credentials', async () => {
    await createForeign('legacy-b', [{ Key: 'team', Value: 'legacy' }, grantTo('adopter-b')]);
    const petStore = rdsPetStore({ name: 'adopter-b', rds: { instanceIdentifier: 'legacy-b', adopt: true } });
    let resolved = await look(petStore);
    for (let pass = 0; !resolved.state.ready && pass < 3; pass++) {
      clock.advance(resolved.state.requeueAfterMs ?? 0);
      resolved = await look(petStore);
    }
    expect(resolved.state).toMatchObject({ ready: true, instanceIdentifier: 'legacy-b' });
    expect(resolved.connection?.postgres?.dbname).toBe('legacy');
    expect(await tagsOf('legacy-b')).toMatchObject({
      team: 'legacy',
      'managed-by': 'petstore-operator',
      'petstore.example.com/namespace': 'pets',
      'petstore.example.com/name': 'adopter-b',
    });
    expect(await moto.current.instancesOf(petStore)).toHaveLength(1);
  });

  it('takes an instance whose tags already name the PetStore without opting in (how a PetStore restored from a backup finds its database)', async () => {
    const original = rdsPetStore({ name: 'restored', uid: '00000000-0000-4000-8000-000000000001' });
    const id = (await look(original)).state.instanceIdentifier ?? '';
    const restored = rdsPetStore({ name: 'restored', uid: '00000000-0000-4000-8000-000000000002' });
    const before = moto.current.proxy.requests.length;
    await look(restored);
    expect(moto.current.proxy.actionsSince(before)).not.toContain('rds:CreateDBInstance');
    expect(await tagsOf(id)).toMatchObject({ 'petstore.example.com/uid': restored.metadata.uid });
    expect(await moto.current.instancesOf(restored)).toHaveLength(1);
  });

  it('never takes an instance another PetStore manages, even with adopt: true', async () => {
    const owner = rdsPetStore({ name: 'owner' });
    const id = (await look(owner)).state.instanceIdentifier ?? '';
    const thief = rdsPetStore({ name: 'thief', rds: { instanceIdentifier: id, adopt: true } });
    const error = await rejection(look(thief));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toMatch(`RDS instance ${id} is managed by PetStore pets/owner of cluster test-eks`);
    expect(await tagsOf(id)).toMatchObject({ 'petstore.example.com/name': 'owner' });
  });

  it('waits, slowly and visibly, for a named instance that does not exist yet', async () => {
    const error = await rejection(
      look(rdsPetStore({ name: 'early', rds: { instanceIdentifier: 'not-restored-yet' } })),
    );
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect(error.message).toMatch(
      /RDS instance not-restored-yet named by spec\.database\.rds\.instanceIdentifier does not exist/,
    );
  });

  it('picks a retained instance up again when the PetStore is re-created, removing the released mark: still one instance', async () => {
    const first = rdsPetStore({
      name: 'phoenix',
      uid: '00000000-0000-4000-8000-00000000000a',
      rds: { deletionPolicy: 'Retain' },
    });
    const engine = moto.current.engine();
    const id = (await look(first, engine)).state.instanceIdentifier ?? '';
    expect((await engine.finalize(first, specOf(first), ctx)).done).toBe(true);
    expect(await tagsOf(id)).toMatchObject({ 'petstore.example.com/released': 'true' });

    const again = rdsPetStore({ name: 'phoenix', uid: '00000000-0000-4000-8000-00000000000b' });
    expect((await look(again, engine)).state.instanceIdentifier).toBe(id);
    expect(await tagsOf(id)).not.toHaveProperty(['petstore.example.com/released']);
    expect(await moto.current.instancesOf(again)).toHaveLength(1);
  });

  it('refuses to adopt an instance of another engine', async () => {
    await moto.current.direct.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'legacy-mysql',
        DBInstanceClass: 'db.t4g.micro',
        Engine: 'mysql',
        MasterUsername: 'app',
        ManageMasterUserPassword: true,
        Tags: [grantTo('mysql')],
      }),
    );
    const error = await rejection(
      look(rdsPetStore({ name: 'mysql', rds: { instanceIdentifier: 'legacy-mysql', adopt: true } })),
    );
    expect(error.message).toBe('RDS instance legacy-mysql runs mysql; the Pet Store API needs postgres');
  });
});

it('sends only AWS actions the IAM policy test checks (awsActions)', () => {
  expect(moto.current.proxy.requests.length).toBeGreaterThan(0);
  expect(undeclaredActions(moto.current.proxy)).toEqual([]);
});

describe('cost limits set by the administrator', () => {
  it('attacker: an instance class off the allowlist or storage above the limit is refused naming the limit; nothing is created', async () => {
    const engine = moto.current.engine({ allowedInstanceClasses: ['db.t4g.micro'], maxAllocatedStorage: 100 });
    const before = moto.current.proxy.requests.length;
    const big = rdsPetStore({ name: 'big', rds: { instanceClass: 'db.r6g.16xlarge' } });
    const error = await rejection(look(big, engine));
    expect(error).toMatchObject({ reason: 'OverLimit' });
    expect(error.message).toBe(
      "spec.database.rds.instanceClass db.r6g.16xlarge is not allowed by this operator's administrator " +
        '(allowed: db.t4g.micro; chart value rds.allowedInstanceClasses)',
    );
    const wide = rdsPetStore({ name: 'wide', rds: { allocatedStorage: 20, maxAllocatedStorage: 65536 } });
    expect((await rejection(look(wide, engine))).message).toBe(
      "spec.database.rds.maxAllocatedStorage 65536 GiB is above this operator's limit of 100 GiB (chart value rds.maxAllocatedStorage)",
    );
    expect(moto.current.proxy.actionsSince(before)).toEqual([]);
  });
});
