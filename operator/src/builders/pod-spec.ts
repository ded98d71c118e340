import type { V1Container, V1PodSpec, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { sqliteDataPath } from '../spec/database-connection.ts';
import { apiKeysPodParts } from './api-keys.ts';
import { childNames } from './metadata.ts';

export const apiPort = 8080;
/** The API image's `node` user, by number so the kubelet can verify runAsNonRoot. */
export const apiUser = 1000;

/** What differs between the pods that run the API image: the Deployment's server and the migration Job's run. */
export interface ApiContainer {
  name: string;
  command?: string[];
  /** Probes, ports and lifecycle of a long-running container. */
  extra?: Pick<V1Container, 'ports' | 'startupProbe' | 'livenessProbe' | 'readinessProbe' | 'lifecycle'>;
}

/**
 * The one place that says how the API image runs in a pod, for the Deployment and the migration Job alike: the
 * restricted Pod Security Standard (non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp,
 * read-only root filesystem), configuration and credentials from the ConfigMap and Secret, no API token, and the
 * volumes (/tmp; for the Deployment's server, /data for SQLite and the API keys Secret named by API_KEYS_FILE).
 */
export function apiPodSpec(inputs: BuildInputs, container: ApiContainer, pod: Partial<V1PodSpec> = {}): V1PodSpec {
  const names = childNames(inputs.petStore);
  const { spec } = inputs;
  const { ports, ...running } = container.extra ?? {};
  const volumes: V1Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }];
  const volumeMounts: V1VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const server = container.command === undefined;
  // SQLite lives in the API pod; a migration Job never runs for it.
  if (spec.database.engine === 'sqlite' && server) {
    volumes.push({ name: 'data', emptyDir: { sizeLimit: '512Mi' } });
    volumeMounts.push({ name: 'data', mountPath: sqliteDataPath });
  }
  // The server's API keys, re-read from the mounted Secret as it changes; the migration command serves nothing.
  const apiKeys = server ? apiKeysPodParts(inputs.petStore) : undefined;
  if (apiKeys) {
    volumes.push(apiKeys.volume);
    volumeMounts.push(apiKeys.volumeMount);
  }
  return {
    ...pod,
    serviceAccountName: names.serviceAccount,
    // The API never calls the Kubernetes API.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: apiUser,
      runAsGroup: apiUser,
      fsGroup: apiUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(pod.topologySpreadConstraints ? { topologySpreadConstraints: pod.topologySpreadConstraints } : {}),
    containers: [
      {
        name: container.name,
        image: spec.image,
        ...(container.command ? { command: container.command } : {}),
        ...(ports ? { ports } : {}),
        envFrom: [{ configMapRef: { name: names.configMap } }, { secretRef: { name: names.secret } }],
        ...(apiKeys ? { env: [apiKeys.env] } : {}),
        resources: { requests: spec.resources.requests, limits: spec.resources.limits },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        },
        ...running,
        volumeMounts,
      },
    ],
    volumes,
  };
}
