import type { V1LimitRange, V1ResourceQuota } from '@kubernetes/client-node';
import type { NamespaceInputs } from '../spec/build-inputs.ts';
import { defaultResources, maxReplicas, type ResolvedSpec } from '../spec/resolved-spec.ts';
import { managedBy, sharedNames } from './metadata.ts';
import { parseQuantity, formatMilli, formatBytes } from './quantity.ts';

const sharedLabels = {
  'app.kubernetes.io/name': 'petstore',
  'app.kubernetes.io/part-of': 'petstore',
  'app.kubernetes.io/managed-by': managedBy,
};

/** Pods one PetStore may run at the peak of a rollout: its maximum, the 25 % surge, and one migration Job pod. */
export function peakPods(spec: ResolvedSpec): number {
  const max = maxReplicas(spec);
  return max + Math.ceil(max * 0.25) + 1;
}

/** Precondition of the quota objects: some PetStore of the namespace enables quota (spec.quota.enabled, default on). */
export function wantsNamespaceQuota({ members }: NamespaceInputs): boolean {
  return members.some((member) => member.spec.quotaEnabled);
}

/**
 * The namespace's ResourceQuota, sized for the sum of its PetStores at their peak: a quota is namespace-wide, so
 * each PetStore claiming the whole namespace would cap all of them at one's size. It carries no owner references (a
 * list of every PetStore would grow with each one, and be rewritten with each one): the operator deletes it when the
 * last PetStore of the namespace goes.
 */
export function buildResourceQuota({ namespace, members }: NamespaceInputs): V1ResourceQuota {
  const totals = { pods: 0, requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, storage: 0 };
  for (const { spec } of members) {
    const pods = peakPods(spec);
    const { requests, limits } = spec.resources;
    totals.pods += pods;
    totals.requestsCpu += pods * parseQuantity(requests.cpu ?? defaultResources.requests.cpu);
    totals.requestsMemory += pods * parseQuantity(requests.memory ?? defaultResources.requests.memory);
    totals.limitsCpu += pods * parseQuantity(limits.cpu ?? defaultResources.limits.cpu);
    totals.limitsMemory += pods * parseQuantity(limits.memory ?? defaultResources.limits.memory);
    totals.storage += pods * parseQuantity(limits['ephemeral-storage'] ?? defaultResources.limits['ephemeral-storage']);
  }
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: sharedNames.resourceQuota,
      namespace,
      labels: sharedLabels,
    },
    spec: {
      hard: {
        pods: String(totals.pods),
        'requests.cpu': formatMilli(totals.requestsCpu),
        'requests.memory': formatBytes(totals.requestsMemory),
        'limits.cpu': formatMilli(totals.limitsCpu),
        'limits.memory': formatBytes(totals.limitsMemory),
        'limits.ephemeral-storage': formatBytes(totals.storage),
      },
    },
  };
}

/** Defaults for containers without their own requests and limits (the seeds' values), shared by the namespace. */
export function buildLimitRange({ namespace }: NamespaceInputs): V1LimitRange {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: sharedNames.limitRange, namespace, labels: sharedLabels },
    spec: {
      limits: [
        {
          type: 'Container',
          defaultRequest: { ...defaultResources.requests },
          _default: { ...defaultResources.limits },
        },
      ],
    },
  };
}
