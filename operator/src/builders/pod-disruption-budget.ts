import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { maxReplicas } from '../spec/resolved-spec.ts';
import { childMetadata, childNames, selectorLabels } from './metadata.ts';

/**
 * Precondition: more than one pod. A budget for a single pod would either block drains forever or protect nothing.
 */
export function wantsPodDisruptionBudget({ spec }: BuildInputs): boolean {
  return maxReplicas(spec) >= 2;
}

/** Keeps all but one pod serving during node drains. */
export function buildPodDisruptionBudget({ petStore }: BuildInputs): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMetadata(petStore, childNames(petStore).podDisruptionBudget),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(petStore) },
      // A pod that is not ready serves nothing: evicting it never costs availability.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
