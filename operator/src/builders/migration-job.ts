import { createHash } from 'node:crypto';
import type { V1Job } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { BuildInputs } from '../spec/build-inputs.ts';
import type { DatabaseConnection } from '../spec/database-connection.ts';
import { annotationPrefix, controllerReference, labels } from './metadata.ts';
import { apiPodSpec } from './pod-spec.ts';

/** Label on migration Jobs naming the image they migrate for (the Job's name carries only a digest of it). */
export const migrationLabel = `${annotationPrefix}/migration`;
/** How the API image (Dockerfile.api, WORKDIR /app/api) runs its migrations once and exits. */
export const migrateCommand = ['node', 'dist/migrate.js'];

/**
 * The Job name for migrating one database to one image: a new image, or another database (host, port, name), means a
 * new Job; the same pair reuses the finished one, so a database that changed under the PetStore is never taken for
 * an already migrated one.
 */
export function migrationJobName(petStore: PetStore, image: string, connection: DatabaseConnection): string {
  const database = connection.postgres
    ? `${connection.postgres.host}:${String(connection.postgres.port)}/${connection.postgres.dbname}`
    : connection.url;
  const digest = createHash('sha256').update(`${image}\n${database}`).digest('hex').slice(0, 10);
  return `${petStore.metadata.name.slice(0, 40)}-migrate-${digest}`;
}

/** Precondition: a database outside the pod (SQLite pods migrate at start). */
export function wantsMigrationJob({ spec }: BuildInputs): boolean {
  return spec.database.engine !== 'sqlite';
}

/**
 * Runs the API's database migrations once for an image, before the Deployment moves to it. Its pods carry their own
 * component label, so the Service and PodDisruptionBudget never select them.
 */
export function buildMigrationJob(inputs: BuildInputs): V1Job {
  const { petStore, spec, connection } = inputs;
  const jobLabels = {
    ...labels(petStore),
    'app.kubernetes.io/name': 'petstore-migration',
    'app.kubernetes.io/component': 'migration',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: migrationJobName(petStore, spec.image, connection),
      namespace: petStore.metadata.namespace,
      labels: { ...jobLabels, [migrationLabel]: 'true' },
      annotations: { [`${annotationPrefix}/image`]: spec.image },
      ownerReferences: [controllerReference(petStore)],
    },
    spec: {
      // A transient failure (the database not reachable yet, a restart under way) is retried by the Job controller
      // with its exponential backoff: 10, 20, 40, 80 s, about 2.5 minutes in all; then the PetStore is Stalled with
      // MigrationFailed and says how to run it again (delete the Job).
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: jobLabels },
        spec: apiPodSpec(inputs, { name: 'migrate', command: migrateCommand }, { restartPolicy: 'Never' }),
      },
    },
  };
}
