import { createHash } from 'node:crypto';
import type { V1Job } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { ResolvedSpec } from '../controller/resolved-spec.ts';
import { apiUser } from './deployment.ts';
import { annotationPrefix, childNames, controllerReference, labels } from './metadata.ts';

/** Label on migration Jobs naming the image they migrate for (the Job's name carries only a digest of it). */
export const migrationLabel = `${annotationPrefix}/migration`;
/** How the API image (Dockerfile.api, WORKDIR /app/api) runs its migrations once and exits. */
export const migrateCommand = ['node', 'dist/migrate.js'];

/** The Job name for migrating to one image: a new image means a new Job, the same image reuses the finished one. */
export function migrationJobName(petStore: PetStore, image: string): string {
  const digest = createHash('sha256').update(image).digest('hex').slice(0, 10);
  return `${petStore.metadata.name.slice(0, 40)}-migrate-${digest}`;
}

/**
 * Runs the API's database migrations once for an image, before the Deployment moves to it. Its pods carry their own
 * component label, so the Service and PodDisruptionBudget never select them.
 */
export function buildMigrationJob(petStore: PetStore, spec: ResolvedSpec): V1Job {
  const names = childNames(petStore);
  const jobLabels = {
    ...labels(petStore),
    'app.kubernetes.io/name': 'petstore-migration',
    'app.kubernetes.io/component': 'migration',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: migrationJobName(petStore, spec.image),
      namespace: petStore.metadata.namespace,
      labels: { ...jobLabels, [migrationLabel]: 'true' },
      annotations: { [`${annotationPrefix}/image`]: spec.image },
      ownerReferences: [controllerReference(petStore)],
    },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: jobLabels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: apiUser,
            runAsGroup: apiUser,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'migrate',
              image: spec.image,
              command: migrateCommand,
              envFrom: [{ configMapRef: { name: names.configMap } }, { secretRef: { name: names.secret } }],
              resources: { requests: spec.resources.requests, limits: spec.resources.limits },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
}
