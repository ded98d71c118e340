import { describe, expect, it } from '@jest/globals';
import { finalSnapshotIdentifier, instanceIdentifier, isValidIdentifier } from './identifiers.ts';

describe('instanceIdentifier', () => {
  it('is readable: petstore-<namespace>-<name>-<hash>', () => {
    expect(instanceIdentifier('prod-eks', 'pets', 'shop')).toMatch(/^petstore-pets-shop-[0-9a-f]{8}$/);
  });

  it('is the same on every call, so a pass after a crash finds the instance an earlier pass created', () => {
    expect(instanceIdentifier('prod-eks', 'pets', 'shop')).toBe(instanceIdentifier('prod-eks', 'pets', 'shop'));
  });

  it.each([
    ['another cluster', 'staging-eks', 'pets', 'shop'],
    ['another namespace', 'prod-eks', 'pets2', 'shop'],
    ['another name', 'prod-eks', 'pets', 'shop2'],
  ])('differs for %s', (_case, cluster, namespace, name) => {
    expect(instanceIdentifier(cluster, namespace, name)).not.toBe(instanceIdentifier('prod-eks', 'pets', 'shop'));
  });

  it('keeps apart names that read the same once joined (pets-a/shop and pets/a-shop)', () => {
    const a = instanceIdentifier('prod-eks', 'pets-a', 'shop');
    const b = instanceIdentifier('prod-eks', 'pets', 'a-shop');
    expect(a.slice(0, -8)).toBe(b.slice(0, -8));
    expect(a).not.toBe(b);
  });

  it.each([
    ['a 63-character namespace and a 253-character name', 'n'.repeat(63), `${'a.b-'.repeat(63)}x`],
    ['dots in the name', 'pets', 'shop.v2.example'],
    ['a namespace starting with a digit', '1pets', 'shop'],
    ['hyphens where the truncation falls', 'a'.repeat(44), '-b'],
    ['names that differ only after the truncation point', 'x'.repeat(60), 'y'.repeat(60)],
  ])('follows the RDS rules for %s', (_case, namespace, name) => {
    const id = instanceIdentifier('prod-eks', namespace, name);
    expect(isValidIdentifier(id)).toBe(true);
    expect(id.length).toBeLessThanOrEqual(63);
  });

  it('keeps long names apart by the hash when the readable part is truncated alike', () => {
    const a = instanceIdentifier('prod-eks', 'n'.repeat(63), 'shop-a');
    const b = instanceIdentifier('prod-eks', 'n'.repeat(63), 'shop-b');
    expect(a.slice(0, -8)).toBe(b.slice(0, -8));
    expect(a).not.toBe(b);
  });
});

describe('finalSnapshotIdentifier', () => {
  const uid = '3f2b9c1e-8d4a-4e6b-9f0a-1c2d3e4f5a6b';

  it('names the PetStore and its UID: petstore-<namespace>-<name>-<uid>-final', () => {
    expect(finalSnapshotIdentifier('pets', 'shop', uid)).toBe(`petstore-pets-shop-${uid}-final`);
  });

  it('differs for a PetStore re-created under the same name (a new UID), so the old snapshot is never in the way', () => {
    expect(finalSnapshotIdentifier('pets', 'shop', uid)).not.toBe(
      finalSnapshotIdentifier('pets', 'shop', uid.replace('3f', '40')),
    );
  });

  it('follows the RDS snapshot rules for the longest names', () => {
    const id = finalSnapshotIdentifier('n'.repeat(63), 's'.repeat(253), uid);
    expect(isValidIdentifier(id, 255)).toBe(true);
    expect(id.endsWith(`-${uid}-final`)).toBe(true);
  });
});

describe('isValidIdentifier', () => {
  it.each([
    ['petstore-pets-shop-1a2b3c4d', true],
    ['a', true],
    ['1abc', false],
    ['abc-', false],
    ['ab--c', false],
    ['Abc', false],
    ['a'.repeat(64), false],
  ])('%s → %s', (id, valid) => {
    expect(isValidIdentifier(id)).toBe(valid);
  });
});
