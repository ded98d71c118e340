import type { V1Deployment } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { configChecksum } from './checksum.ts';
import { buildConfigMap } from './config-map.ts';
import { annotationPrefix, childMetadata, childNames, labels, selectorLabels } from './metadata.ts';
import { apiPodSpec, apiPort } from './pod-spec.ts';
import { buildSecret } from './secret.ts';

/** Annotation on the pod template whose value changes when configuration or credentials change, so pods roll. */
export const configChecksumAnnotation = `${annotationPrefix}/config-checksum`;
const healthPath = '/api/v1/health';

/**
 * The API pods, running `inputs.spec.image` (the workflow passes the image the migration released). Meets the
 * restricted Pod Security Standard; leaves .spec.replicas out while an autoscaler owns it. The pod template carries a
 * digest of the ConfigMap and Secret it reads, so pods roll when either changes.
 */
export function buildDeployment(inputs: BuildInputs): V1Deployment {
  const { petStore, spec } = inputs;
  const sqlite = spec.database.engine === 'sqlite';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(petStore, childNames(petStore).deployment),
    spec: {
      ...(spec.autoscaling ? {} : { replicas: spec.replicas }),
      selector: { matchLabels: selectorLabels(petStore) },
      // SQLite lives in the pod: two pods at once would each have their own database, so replace instead of surge.
      strategy: sqlite
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
      template: {
        metadata: {
          labels: labels(petStore),
          annotations: { [configChecksumAnnotation]: configChecksum(buildConfigMap(inputs), buildSecret(inputs)) },
        },
        spec: apiPodSpec(
          inputs,
          {
            name: 'api',
            extra: {
              ports: [{ name: 'http', containerPort: apiPort, protocol: 'TCP' }],
              startupProbe: { httpGet: { path: healthPath, port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
              livenessProbe: {
                httpGet: { path: healthPath, port: 'http' },
                periodSeconds: 10,
                timeoutSeconds: 2,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: `${healthPath}?probe=ready`, port: 'http' },
                periodSeconds: 5,
                timeoutSeconds: 3,
                failureThreshold: 2,
              },
              // Keep serving while the load balancer deregisters the pod, then shut down gracefully.
              lifecycle: { preStop: { sleep: { seconds: 10 } } },
            },
          },
          {
            terminationGracePeriodSeconds: 45,
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selectorLabels(petStore) },
              },
            ],
          },
        ),
      },
    },
  };
}
