import { describe, expect, it } from '@jest/globals';
import type { DBInstance } from '@aws-sdk/client-rds';
import { clusterName, rdsPetStore, specOf } from '../../../test/rds/fixtures.ts';
import { checkUsable, claimInstance } from './claim.ts';
import { desiredTags, tagChanges, tagKeys, toTagList } from './tags.ts';

const petStore = rdsPetStore();
const ours = desiredTags(petStore, specOf(petStore), clusterName);
const grant = `${clusterName}/pets/shop`;
const instance = (tags: Record<string, string>, extra: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: 'petstore-pets-shop-12345678',
  Engine: 'postgres',
  DBInstanceStatus: 'available',
  MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1' },
  TagList: toTagList(tags),
  ...extra,
});

describe('claimInstance', () => {
  it.each([
    ['tags naming this PetStore', ours, false, 'owned'],
    [
      'tags naming this PetStore with another UID (re-created, or restored from a backup)',
      { ...ours, [tagKeys.uid]: 'old' },
      false,
      'owned',
    ],
    [
      'tags naming this PetStore, released by a Retain deletion',
      { ...ours, [tagKeys.released]: 'true' },
      false,
      'reattached',
    ],
    ['no tags, with adopt and the administrator’s grant', { [tagKeys.adoptableBy]: grant }, true, 'adopted'],
    [
      'tags of a PetStore of the same namespace that released it, with adopt and the grant',
      { ...ours, [tagKeys.name]: 'old-shop', [tagKeys.released]: 'true', [tagKeys.adoptableBy]: grant },
      true,
      'adopted',
    ],
  ])('takes an instance with %s', (_case, tags, adopt, claim) => {
    expect(claimInstance(instance(tags), petStore, clusterName, adopt)).toBe(claim);
  });

  it.each([
    [
      'no tags',
      {},
      /is not tagged managed-by=petstore-operator for this PetStore.*administrator.*adoptable-by=test-eks\/pets\/shop.*adopt: true/,
    ],
    [
      'another cluster’s tags',
      { ...ours, [tagKeys.cluster]: 'other-eks' },
      /is managed by PetStore pets\/shop of cluster other-eks/,
    ],
    [
      'a released instance of another PetStore',
      { ...ours, [tagKeys.name]: 'old', [tagKeys.released]: 'true' },
      /was released by PetStore pets\/old.*adopt: true/,
    ],
  ])('refuses an instance with %s unless the spec opts in, saying how', (_case, tags, message) => {
    expect(() => claimInstance(instance(tags), petStore, clusterName, false)).toThrow(message);
  });

  it.each([
    [
      'no grant',
      {},
      /adopt is true, but adoption needs an administrator.*Key=petstore\.example\.com\/adoptable-by,Value=test-eks\/pets\/shop/,
    ],
    ['a grant naming another PetStore', { [tagKeys.adoptableBy]: 'test-eks/pets/other' }, /needs an administrator/],
    ['a grant naming another cluster', { [tagKeys.adoptableBy]: 'other-eks/pets/shop' }, /needs an administrator/],
    [
      'a release by another namespace, even with a grant',
      { ...ours, [tagKeys.namespace]: 'other-team', [tagKeys.released]: 'true', [tagKeys.adoptableBy]: grant },
      /released by PetStore other-team\/shop.*never adopts a database released by another namespace/,
    ],
    [
      'a release by another cluster, even with a grant',
      { ...ours, [tagKeys.cluster]: 'other-eks', [tagKeys.released]: 'true', [tagKeys.adoptableBy]: grant },
      /never adopts a database released by another namespace or cluster/,
    ],
  ])('refuses adopt: true on an instance with %s: only an administrator grants adoption', (_case, tags, message) => {
    expect(() => claimInstance(instance(tags), petStore, clusterName, true)).toThrow(message);
  });

  it('refuses, even with adopt, an instance another PetStore still manages: one would delete the other’s database', () => {
    const theirs = { ...ours, [tagKeys.namespace]: 'other-team' };
    expect(() => claimInstance(instance(theirs), petStore, clusterName, true)).toThrow(
      /managed by PetStore other-team\/shop.*never takes over/,
    );
  });
});

describe('checkUsable', () => {
  it('refuses another engine', () => {
    expect(() => checkUsable(instance(ours, { Engine: 'mysql' }))).toThrow(
      /runs mysql; the Pet Store API needs postgres/,
    );
  });

  it('refuses an instance whose password RDS does not manage, naming the command that turns it on', () => {
    expect(() => checkUsable(instance(ours, { MasterUserSecret: undefined }))).toThrow(/--manage-master-user-password/);
  });

  it('accepts a usable instance', () => {
    expect(() => checkUsable(instance(ours))).not.toThrow();
  });
});

describe('tagChanges', () => {
  it('sends nothing when every tag of ours is there (tags of others do not matter)', () => {
    expect(tagChanges(toTagList({ ...ours, team: 'x' }), ours)).toEqual({ add: [], remove: [] });
  });

  it('sends the whole set when one differs (the IAM policy wants managed-by in every tagging request)', () => {
    const changes = tagChanges(toTagList({ ...ours, Owner: 'someone-else' }), ours);
    expect(changes.add).toEqual(toTagList(ours));
  });

  it('removes the released mark when a PetStore picks the instance up again', () => {
    expect(tagChanges(toTagList({ ...ours, [tagKeys.released]: 'true' }), ours)).toEqual({
      add: [],
      remove: [tagKeys.released],
    });
  });
});

describe('desiredTags', () => {
  it('carries the required cost tags and the ownership proof', () => {
    expect(ours).toEqual({
      Environment: 'development',
      Application: 'pet-store',
      Owner: 'team-pets',
      'Cost-Center': 'cc-42',
      'managed-by': 'petstore-operator',
      'petstore.example.com/cluster': clusterName,
      'petstore.example.com/namespace': 'pets',
      'petstore.example.com/name': 'shop',
      'petstore.example.com/uid': petStore.metadata.uid,
    });
  });
});
