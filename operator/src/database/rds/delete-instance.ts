import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { DatabaseState, EngineContext } from '../engine.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { AwsSession } from './aws-session.ts';
import type { DesiredInstance } from './desired-instance.ts';
import { DatabaseReason, snapshotImpossible } from './instance-status.ts';
import type { RdsSettings } from './options.ts';
import { ownership, tagKeys, toTagList } from './tags.ts';

export interface DeletionInput {
  aws: AwsSession;
  desired: DesiredInstance;
  petStore: PetStore;
  policy: ResolvedSpec['database']['rds']['deletionPolicy'];
  settings: RdsSettings;
  ctx: Pick<EngineContext, 'log' | 'signal'>;
}

/**
 * One step of applying deletionPolicy to a PetStore's instance; done once nothing is left to do. Retain tags the
 * instance released and keeps it (deletion protection too). Snapshot and Delete first turn deletion protection off
 * (production), then delete with or without the final snapshot, then wait until RDS no longer knows the instance.
 * An instance whose tags do not name this PetStore is never touched. At most 2 AWS calls per step.
 */
export async function deleteInstanceStep(input: DeletionInput): Promise<{ done: boolean; state: DatabaseState }> {
  const { aws, desired, petStore, policy, settings, ctx } = input;
  const id = desired.identifier;
  const log = ctx.log.child({ rdsInstance: id, deletionPolicy: policy });
  const done = (message: string) => ({
    done: true,
    state: { ready: false, reason: DatabaseReason.Deleting, message, instanceIdentifier: id },
  });
  const deleting = (message: string) => ({
    done: false,
    state: {
      ready: false,
      reason: DatabaseReason.Deleting,
      message,
      instanceIdentifier: id,
      requeueAfterMs: settings.statusPollIntervalMs,
    },
  });

  const instance = await aws.describeInstance(id);
  if (!instance) return done(`RDS instance ${id} is gone`);
  const owner = ownership(instance.TagList, petStore, settings.clusterName);
  if (owner.kind !== 'ours') {
    log.info('RDS instance is not tagged for this PetStore; left as it is');
    return done(`RDS instance ${id} does not belong to this PetStore; left as it is`);
  }
  if (owner.released) return done(`RDS instance ${id} was released and is kept`);
  const arn = instance.DBInstanceArn ?? '';
  const status = instance.DBInstanceStatus;

  if (policy === 'Retain') {
    // The whole set: the IAM policy lets the operator tag only with its ownership tags in the request.
    await aws.addTags(arn, toTagList({ ...desired.tags, [tagKeys.released]: 'true' }), id);
    log.info('RDS instance retained and tagged released');
    return done(`RDS instance ${id} is kept (deletionPolicy Retain), tagged ${tagKeys.released}=true`);
  }
  if (status === 'deleting') return deleting(`RDS is deleting instance ${id}`);
  if (instance.DeletionProtection) {
    const modified = await aws.modifyInstance({
      DBInstanceIdentifier: id,
      DeletionProtection: false,
      ApplyImmediately: true,
    });
    log.info('turning off deletion protection to delete the RDS instance');
    return deleting(
      modified
        ? `turning off deletion protection of RDS instance ${id} before deleting it (deletionPolicy ${policy})`
        : `RDS instance ${id} is ${status ?? 'busy'}; turning off its deletion protection once it is available`,
    );
  }
  if (policy === 'Snapshot' && snapshotImpossible(status)) {
    throw new PermanentError(
      `RDS instance ${id} is ${status ?? ''}, and RDS takes no final snapshot in that state: set spec.database.rds.deletionPolicy ` +
        `to Delete to delete it without one, or to Retain to keep it`,
    );
  }
  const snapshot = policy === 'Snapshot' ? desired.finalSnapshotIdentifier : undefined;
  const outcome = await aws.deleteInstance({
    DBInstanceIdentifier: id,
    ...(snapshot ? { FinalDBSnapshotIdentifier: snapshot } : { SkipFinalSnapshot: true }),
  });
  if (outcome === 'gone') return done(`RDS instance ${id} is gone`);
  if (outcome === 'busy') return deleting(`RDS instance ${id} is ${status ?? 'busy'}; deleting it once RDS allows`);
  log.info({ finalSnapshot: snapshot }, 'RDS instance deletion requested');
  return deleting(
    snapshot
      ? `RDS is deleting instance ${id} after the final snapshot ${snapshot}`
      : `RDS is deleting instance ${id} without a final snapshot`,
  );
}
