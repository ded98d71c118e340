import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { childNames } from '../builders/metadata.ts';
import { buildMigrationJob, migrationJobName, migrationLabel } from '../builders/migration-job.ts';
import { kinds } from '../k8s/kinds.ts';
import { ensure } from './apply-children.ts';
import type { ReconcileContext } from './context.ts';
import type { ResolvedSpec } from './resolved-spec.ts';

/** Where the schema migration for the wanted image stands, and which image the Deployment may run meanwhile. */
export interface MigrationPlan {
  state: 'NotNeeded' | 'Running' | 'Succeeded' | 'Failed';
  message: string;
  /** The image the Deployment runs in this pass; undefined: do not create the Deployment yet. */
  deployImage: string | undefined;
}

/**
 * Migrations run once per image, as a Job, before the Deployment moves to that image (SQLite pods migrate at start).
 * Until the Job succeeds the Deployment keeps its current image; a failed Job stops the rollout there.
 */
export async function migrate(petStore: PetStore, spec: ResolvedSpec, ctx: ReconcileContext): Promise<MigrationPlan> {
  const namespace = petStore.metadata.namespace;
  const jobs = ctx.cache
    .list<V1Job>(kinds.Job, namespace)
    .filter((job) => job.metadata?.labels?.[migrationLabel] === 'true' && ownedBy(job, petStore));
  if (spec.database.engine === 'sqlite') {
    await deleteJobs(jobs, ctx);
    return { state: 'NotNeeded', message: 'SQLite migrates at start', deployImage: spec.image };
  }
  const name = migrationJobName(petStore, spec.image);
  const live = ctx.cache.get<V1Deployment>(kinds.Deployment, namespace, childNames(petStore).deployment);
  const currentImage = live?.spec?.template.spec?.containers[0]?.image;
  const job = jobs.find((candidate) => candidate.metadata?.name === name);
  const finished = job?.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  if (finished?.type === 'Complete') {
    await deleteJobs(
      jobs.filter((other) => other !== job),
      ctx,
    );
    return { state: 'Succeeded', message: `migrated for ${spec.image}`, deployImage: spec.image };
  }
  if (finished?.type === 'Failed') {
    return {
      state: 'Failed',
      message: `migration Job ${name} for ${spec.image} failed (${finished.reason ?? 'Failed'}): the Deployment stays on ${currentImage ?? 'no image'}; see \`kubectl logs job/${name}\`, then fix the image or the database`,
      deployImage: currentImage,
    };
  }
  // A Job's pod template is immutable and a migration runs once: create it when absent, never update it.
  if (!job) await ensure(kinds.Job, name, buildMigrationJob(petStore, spec), undefined, petStore, ctx);
  return { state: 'Running', message: `migration Job ${name} is running for ${spec.image}`, deployImage: currentImage };
}

function ownedBy(job: V1Job, petStore: PetStore): boolean {
  return job.metadata?.ownerReferences?.some((ref) => ref.uid === petStore.metadata.uid) ?? false;
}

/** Finished Jobs of earlier images go once the current one succeeded (their pods with them). */
async function deleteJobs(jobs: V1Job[], ctx: ReconcileContext): Promise<void> {
  for (const job of jobs) {
    await ctx.client.delete({
      kind: kinds.Job,
      namespace: job.metadata?.namespace ?? '',
      name: job.metadata?.name ?? '',
    });
  }
}
