import type { V1Deployment, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { sqliteDataPath } from '../controller/database-connection.ts';
import type { ResolvedSpec } from '../controller/resolved-spec.ts';
import { annotationPrefix, childMetadata, childNames, labels, selectorLabels } from './metadata.ts';

/** Annotation on the pod template whose value changes when configuration or credentials change, so pods roll. */
export const configChecksumAnnotation = `${annotationPrefix}/config-checksum`;
export const apiPort = 8080;
export const apiUser = 1000;
const healthPath = '/api/v1/health';

export interface DeploymentInputs {
  /** Digest of the ConfigMap's and Secret's data (see checksum.ts). */
  configChecksum: string;
}

/**
 * The API pods. Meets the restricted Pod Security Standard; leaves .spec.replicas out while an autoscaler owns it.
 */
export function buildDeployment(petStore: PetStore, spec: ResolvedSpec, inputs: DeploymentInputs): V1Deployment {
  const names = childNames(petStore);
  const sqlite = spec.database.engine === 'sqlite';
  const volumes: V1Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }];
  const volumeMounts: V1VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (sqlite) {
    volumes.push({ name: 'data', emptyDir: { sizeLimit: '512Mi' } });
    volumeMounts.push({ name: 'data', mountPath: sqliteDataPath });
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(petStore, names.deployment),
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
        metadata: { labels: labels(petStore), annotations: { [configChecksumAnnotation]: inputs.configChecksum } },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 45,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: apiUser,
            runAsGroup: apiUser,
            fsGroup: apiUser,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(petStore) },
            },
          ],
          containers: [
            {
              name: 'api',
              image: spec.image,
              ports: [{ name: 'http', containerPort: apiPort, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: names.configMap } }, { secretRef: { name: names.secret } }],
              resources: { requests: spec.resources.requests, limits: spec.resources.limits },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
              },
              startupProbe: {
                httpGet: { path: healthPath, port: 'http' },
                periodSeconds: 2,
                failureThreshold: 30,
              },
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
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}
