import type { V1EnvVar, V1Secret, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { childMetadata } from './metadata.ts';

/** The key of the Secret's data that holds the API keys, one per line: also the file name in the pods. */
export const apiKeysFile = 'keys';
/** Where the pods see the Secret: a directory mount (not subPath), so the kubelet's updates reach the running pods. */
export const apiKeysMountPath = '/etc/petstore/api-keys';

/** `<name>-api-keys`: where a user finds the key (`kubectl get secret <name>-api-keys`). */
export const apiKeysSecretName = (petStore: PetStore): string => `${petStore.metadata.name}-api-keys`;

/** True for a PetStore's API keys Secret: named after the PetStore that controls it. */
export function isApiKeysSecret(secret: V1Secret): boolean {
  const owner = secret.metadata?.ownerReferences?.find((ref) => ref.controller === true && ref.kind === 'PetStore');
  return owner !== undefined && secret.metadata?.name === `${owner.name}-api-keys`;
}

/**
 * The Secret with this PetStore's API keys, holding the key the reconcile generated. Created once and never updated
 * by the operator (create-only): the user may add keys to it, one per line, or replace them to rotate, and the pods
 * re-read it without restarting; deleted, it is made again with a new key. Owned by the PetStore, so it goes with it.
 */
export function buildApiKeysSecret({ petStore, generatedApiKey }: BuildInputs): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(petStore, apiKeysSecretName(petStore)),
    type: 'Opaque',
    data: { [apiKeysFile]: Buffer.from(`${generatedApiKey}\n`, 'utf8').toString('base64') },
  };
}

/** What the API container needs to read the keys: the Secret as a read-only volume and API_KEYS_FILE naming it. */
export function apiKeysPodParts(petStore: PetStore): { volume: V1Volume; volumeMount: V1VolumeMount; env: V1EnvVar } {
  return {
    // 0440 with the pod's fsGroup: readable by the API's user, by no one else.
    volume: {
      name: 'api-keys',
      secret: { secretName: apiKeysSecretName(petStore), defaultMode: 0o440, optional: false },
    },
    volumeMount: { name: 'api-keys', mountPath: apiKeysMountPath, readOnly: true },
    env: { name: 'API_KEYS_FILE', value: `${apiKeysMountPath}/${apiKeysFile}` },
  };
}
