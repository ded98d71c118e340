import type { V1Deployment } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';
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
 * restricted Pod Security Standard. A new Deployment starts with {@link deploymentReplicas} pods; the workflow gives
 * the same function the live count. The pod template carries a digest of the ConfigMap and Secret it reads, so pods
 * roll when either changes.
 */
export function buildDeployment(inputs: BuildInputs): V1Deployment {
  const { petStore, spec } = inputs;
  const sqlite = spec.database.engine === 'sqlite';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(petStore, childNames(petStore).deployment),
    spec: {
      replicas: deploymentReplicas(spec, undefined),
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

/**
 * The Deployment's .spec.replicas, given the live count (undefined before the Deployment exists):
 * - under an autoscaler, a new Deployment starts at its minReplicas and a running one is left to the autoscaler
 *   (undefined: the operator stops setting the field; replicaHandOver keeps the count while it lets go);
 * - otherwise the spec's count, or when the spec sets none, the count a running Deployment has (turning autoscaling
 *   off keeps the pods the autoscaler last asked for), else the default.
 */
export function deploymentReplicas(spec: ResolvedSpec, live: number | undefined): number | undefined {
  if (spec.autoscaling) return live === undefined ? spec.autoscaling.minReplicas : undefined;
  return spec.replicasSpecified || live === undefined ? spec.replicas : live;
}

/**
 * What the operator applies under a second field manager before it stops setting .spec.replicas (or right after it
 * creates a Deployment under an autoscaler): the current count. Server-side apply resets a field to its default (1)
 * when its only manager stops setting it; with a second manager holding the same value, the count stays until the
 * autoscaler changes it and so takes the field over. Undefined when there is nothing to hand over.
 */
export function replicaHandOver(
  spec: ResolvedSpec,
  desired: V1Deployment,
  live: V1Deployment | undefined,
): V1Deployment | undefined {
  const replicas = live?.spec?.replicas ?? desired.spec?.replicas;
  if (!spec.autoscaling || replicas === undefined) return undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: desired.metadata?.name ?? '', namespace: desired.metadata?.namespace ?? '' },
    spec: { replicas } as V1Deployment['spec'],
  };
}
