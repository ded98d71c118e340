// Each builder's precondition (the `when` of its entry in controller/dependents.ts), as a table.
import { describe, expect, it } from '@jest/globals';
import type { PetStoreSpec } from '../../src/api/v1alpha1/petstore.ts';
import { wantsHorizontalPodAutoscaler } from '../../src/builders/horizontal-pod-autoscaler.ts';
import { wantsIngress } from '../../src/builders/ingress.ts';
import { wantsMigrationJob } from '../../src/builders/migration-job.ts';
import { wantsNetworkPolicy } from '../../src/builders/network-policy.ts';
import { wantsPodDisruptionBudget } from '../../src/builders/pod-disruption-budget.ts';
import { wantsNamespaceQuota } from '../../src/builders/resource-quota.ts';
import { external, inputs, namespaceOf } from './inputs.ts';

const cases: [string, (spec: PetStoreSpec) => boolean, PetStoreSpec, boolean][] = [
  ['NetworkPolicy', (s) => wantsNetworkPolicy(inputs(s)), {}, true],
  ['NetworkPolicy', (s) => wantsNetworkPolicy(inputs(s)), { networkPolicy: { enabled: false } }, false],
  ['migration Job', (s) => wantsMigrationJob(inputs(s)), {}, false],
  ['migration Job', (s) => wantsMigrationJob(inputs(s)), { ...external }, true],
  ['HorizontalPodAutoscaler', (s) => wantsHorizontalPodAutoscaler(inputs(s)), { ...external }, false],
  ['HorizontalPodAutoscaler', (s) => wantsHorizontalPodAutoscaler(inputs(s)), { ...external, autoscaling: {} }, true],
  // SQLite runs one pod: autoscaling is ignored there.
  ['HorizontalPodAutoscaler', (s) => wantsHorizontalPodAutoscaler(inputs(s)), { autoscaling: {} }, false],
  ['PodDisruptionBudget', (s) => wantsPodDisruptionBudget(inputs(s)), {}, false],
  ['PodDisruptionBudget', (s) => wantsPodDisruptionBudget(inputs(s)), { ...external, replicas: 1 }, false],
  ['PodDisruptionBudget', (s) => wantsPodDisruptionBudget(inputs(s)), { ...external }, true],
  [
    'PodDisruptionBudget',
    (s) => wantsPodDisruptionBudget(inputs(s)),
    { ...external, replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 } },
    true,
  ],
  ['Ingress', (s) => wantsIngress(inputs(s)), {}, false],
  ['Ingress', (s) => wantsIngress(inputs(s)), { ingress: { host: 'shop.example.com' } }, true],
  ['quota objects', (s) => wantsNamespaceQuota(namespaceOf(inputs(s))), {}, true],
  ['quota objects', (s) => wantsNamespaceQuota(namespaceOf(inputs(s))), { quota: { enabled: false } }, false],
];

describe('preconditions', () => {
  it.each(cases)('%s with %j', (_kind, wants, spec, expected) => {
    expect(wants(spec)).toBe(expected);
  });

  it('keeps the quota objects while any PetStore of the namespace wants them, and drops them with the last', () => {
    const on = inputs({}, 'a');
    const off = inputs({ quota: { enabled: false } }, 'b');
    expect(wantsNamespaceQuota(namespaceOf(on, off))).toBe(true);
    expect(wantsNamespaceQuota(namespaceOf(off))).toBe(false);
    expect(wantsNamespaceQuota(namespaceOf())).toBe(false);
  });
});
