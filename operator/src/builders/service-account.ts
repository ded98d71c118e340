import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { childMetadata, childNames } from './metadata.ts';

/** The pods' identity; annotations carry IRSA's role ARN where used (EKS Pod Identity needs none). */
export function buildServiceAccount({ petStore, spec }: BuildInputs): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMetadata(petStore, childNames(petStore).serviceAccount, spec.serviceAccountAnnotations),
    // The API never calls the Kubernetes API.
    automountServiceAccountToken: false,
  };
}
