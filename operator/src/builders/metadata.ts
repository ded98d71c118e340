import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { apiVersion, kind, type PetStore } from '../api/v1alpha1/petstore.ts';

export const managedBy = 'petstore-operator';
/** Label selector matching every object the operator manages; the runtime scopes its informers with it. */
export const managedBySelector = `app.kubernetes.io/managed-by=${managedBy}`;
export const annotationPrefix = 'petstore.example.com';

/** Names of a PetStore's children; fixed by the PetStore's name so every pass finds the same objects. */
export function childNames(petStore: PetStore) {
  const name = petStore.metadata.name;
  return {
    deployment: name,
    service: name,
    serviceAccount: name,
    horizontalPodAutoscaler: name,
    podDisruptionBudget: name,
    ingress: name,
    networkPolicy: name,
    configMap: `${name}-config`,
    secret: `${name}-db-credentials`,
  } as const;
}

/** Namespace-wide objects shared by every PetStore of a namespace (quotas are namespace-wide). */
export const sharedNames = { resourceQuota: 'petstore-quota', limitRange: 'petstore-limits' } as const;

/** Labels that select a PetStore's pods; immutable once a Deployment exists. */
export function selectorLabels(petStore: PetStore): Record<string, string> {
  return { 'app.kubernetes.io/name': 'petstore', 'app.kubernetes.io/instance': petStore.metadata.name };
}

export function labels(petStore: PetStore): Record<string, string> {
  return {
    ...selectorLabels(petStore),
    'app.kubernetes.io/component': 'api',
    'app.kubernetes.io/part-of': 'petstore',
    'app.kubernetes.io/managed-by': managedBy,
  };
}

/** The controller reference that makes the PetStore own a child (garbage collection, watch mapping). */
export function controllerReference(petStore: PetStore): V1OwnerReference {
  return {
    apiVersion,
    kind,
    name: petStore.metadata.name,
    uid: petStore.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of a child owned by one PetStore. */
export function childMetadata(petStore: PetStore, name: string, annotations?: Record<string, string>): V1ObjectMeta {
  return {
    name,
    namespace: petStore.metadata.namespace,
    labels: labels(petStore),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    ownerReferences: [controllerReference(petStore)],
  };
}
