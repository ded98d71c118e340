import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import type { PetStoreSpec, PetStoreStatus } from './petstore.generated.ts';

export type { PetStoreSpec, PetStoreStatus } from './petstore.generated.ts';

export const group = 'petstore.example.com';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;
export const kind = 'PetStore';
export const plural = 'petstores';

/** A PetStore as read from the API server (metadata.name, namespace and uid are always set there). */
export interface PetStore extends KubernetesObject {
  apiVersion: typeof apiVersion;
  kind: typeof kind;
  metadata: V1ObjectMeta & { name: string; namespace: string; uid: string };
  spec: PetStoreSpec;
  status?: PetStoreStatus;
}

export type DatabaseEngine = NonNullable<NonNullable<PetStoreSpec['database']>['engine']>;
export type Condition = NonNullable<PetStoreStatus['conditions']>[number];

/** Condition types, in the order users read them. */
export const ConditionType = {
  Ready: 'Ready',
  Degraded: 'Degraded',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  DatabaseReady: 'DatabaseReady',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];
