import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { ResolvedSpec } from '../controller/resolved-spec.ts';
import { maxReplicas } from '../controller/resolved-spec.ts';
import { childMetadata, childNames, selectorLabels } from './metadata.ts';

/**
 * Keeps all but one pod serving during node drains. Undefined for a single pod: a budget there would either block
 * drains forever or protect nothing.
 */
export function buildPodDisruptionBudget(petStore: PetStore, spec: ResolvedSpec): V1PodDisruptionBudget | undefined {
  if (maxReplicas(spec) < 2) return undefined;
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
