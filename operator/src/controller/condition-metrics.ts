// petstore_operator_petstore_condition: each PetStore's status conditions as a metric (1 for the status a condition
// has, 0 for the other two), the way cert-manager exports its Certificates' readiness, so dashboards and alerts see it.
import type { PetStore } from '../api/v1alpha1/petstore.ts';

export const conditionMetric = {
  name: 'petstore_operator_petstore_condition',
  help: 'Status conditions of each PetStore: 1 for the status the condition has (True, False or Unknown), 0 otherwise.',
  labelNames: ['petstore_namespace', 'petstore', 'type', 'status'],
} as const;

export interface ConditionSample {
  labels: { petstore_namespace: string; petstore: string; type: string; status: string };
  value: 0 | 1;
}

const statuses = ['True', 'False', 'Unknown'] as const;

/** The samples for the PetStores in the cache, three per condition (so a flip changes values, not series). */
export function conditionSamples(petStores: readonly PetStore[]): ConditionSample[] {
  return petStores.flatMap((petStore) =>
    (petStore.status?.conditions ?? []).flatMap((condition) =>
      statuses.map((status) => ({
        labels: {
          petstore_namespace: petStore.metadata.namespace,
          petstore: petStore.metadata.name,
          type: condition.type,
          status,
        },
        value: condition.status === status ? (1 as const) : (0 as const),
      })),
    ),
  );
}
