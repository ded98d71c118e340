// The namespace's quota objects: summed over its PetStores, shrinking when one goes.
import { describe, expect, it } from '@jest/globals';
import { buildLimitRange, buildResourceQuota, peakPods } from '../../src/builders/resource-quota.ts';
import { external, inputs, namespaceOf } from './inputs.ts';

describe('buildResourceQuota', () => {
  const small = inputs({}, 'a');
  const large = inputs({ ...external, autoscaling: { minReplicas: 2, maxReplicas: 8 } }, 'b');

  it.each([
    ['one SQLite PetStore', [small], peakPods(small.spec)],
    ['two PetStores: the sum of their peaks', [small, large], peakPods(small.spec) + peakPods(large.spec)],
  ])('%s', (_case, members, pods) => {
    expect(buildResourceQuota(namespaceOf(...members)).spec?.hard?.pods).toBe(String(pods));
  });

  it('shrinks when a PetStore goes', () => {
    const both = Number(buildResourceQuota(namespaceOf(small, large)).spec?.hard?.pods);
    const one = Number(buildResourceQuota(namespaceOf(small)).spec?.hard?.pods);
    expect(one).toBeLessThan(both);
  });

  it('counts peak pods: maximum, a 25 % surge and a migration pod', () => {
    expect(peakPods(large.spec)).toBe(8 + 2 + 1);
  });

  it('has no owner references (it belongs to the namespace)', () => {
    expect(buildResourceQuota(namespaceOf(small)).metadata?.ownerReferences).toBeUndefined();
    expect(buildLimitRange(namespaceOf(small)).metadata?.ownerReferences).toBeUndefined();
  });
});
