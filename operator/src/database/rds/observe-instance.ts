import type { DBInstance } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { ReconcileContext } from '../../controller/context.ts';
import { DependencyMissingError, type DatabaseState, type ResolvedDatabase } from '../../controller/database.ts';
import type { DatabaseConnection } from '../../controller/database-connection.ts';
import { isPermanentError } from '../../runtime/errors.ts';
import type { AwsSession } from './aws-session.ts';
import { checkUsable, claimInstance } from './claim.ts';
import { parseMasterSecret, rdsConnection } from './credentials.ts';
import { createInstanceInput, type DesiredInstance } from './desired-instance.ts';
import { acceptsModification, DatabaseReason, reasonForStatus } from './instance-status.ts';
import { planModification } from './modification.ts';
import type { RdsSettings } from './options.ts';
import { tagChanges } from './tags.ts';

export interface Observed {
  resolved: ResolvedDatabase;
  /** The message of a ModifyDBInstance AWS refused in this pass or an earlier one with the same spec. */
  refusedModification?: string;
}

export interface ObserveInput {
  aws: AwsSession;
  desired: DesiredInstance;
  petStore: PetStore;
  adopt: boolean;
  settings: RdsSettings;
  /** A ModifyDBInstance AWS refused before for this very spec: reported again, not re-sent. */
  refusedBefore: string | undefined;
  ctx: Pick<ReconcileContext, 'log'>;
}

/**
 * One look at a PetStore's instance, doing at most one step of each kind: create it when absent (describe first;
 * "already exists" means an earlier pass did), claim it, bring its tags and settings to the spec, and read the master
 * credentials once it has an endpoint. At most 7 AWS calls; 2 (describe, read secret) when nothing changes.
 */
export async function observeInstance(input: ObserveInput): Promise<Observed> {
  const { aws, desired, petStore, settings, ctx } = input;
  const id = desired.identifier;
  const log = ctx.log.child({ rdsInstance: id });
  let instance = await aws.describeInstance(id);
  if (!instance) {
    if (desired.named) {
      throw new DependencyMissingError(
        'DBInstanceNotFound',
        `RDS instance ${id} named by spec.database.rds.instanceIdentifier does not exist; create or restore it, or remove the field to let the operator create one`,
      );
    }
    const created = await aws.createInstance(createInstanceInput(desired, settings));
    if (created)
      log.info({ instanceClass: desired.instanceClass, engineVersion: desired.engineVersion }, 'RDS instance created');
    instance = created ?? (await aws.describeInstance(id));
    if (!instance)
      throw new Error(`RDS says instance ${id} already exists but does not describe it yet; looking again`);
  }

  const claim = claimInstance(instance, petStore, settings.clusterName, input.adopt);
  if (claim !== 'owned') log.info({ claim }, 'RDS instance taken over by this PetStore');
  checkUsable(instance);
  const arn = instance.DBInstanceArn;
  const tags = tagChanges(instance.TagList, desired.tags);
  if (arn && tags.add.length > 0) await aws.addTags(arn, tags.add, id);
  if (arn && tags.remove.length > 0) await aws.removeTags(arn, tags.remove, id);

  const status = instance.DBInstanceStatus;
  let reason = reasonForStatus(status);
  let message = statusMessage(instance, reason);
  let refusedModification: string | undefined;
  let refused: string | undefined;
  if (reason === DatabaseReason.Available || reason === DatabaseReason.Modifying) {
    const plan = planModification(instance, desired);
    refused = plan.refused;
    if (plan.input && input.refusedBefore !== undefined) {
      refusedModification = input.refusedBefore;
    } else if (plan.input && acceptsModification(status)) {
      try {
        const modified = await aws.modifyInstance(plan.input);
        reason = DatabaseReason.Modifying;
        message = modified
          ? `RDS is changing ${plan.fields.join(', ')} of instance ${id}`
          : `RDS instance ${id} is busy; changing ${plan.fields.join(', ')} on the next look`;
        if (modified) log.info({ fields: plan.fields }, 'RDS instance modification requested');
      } catch (error) {
        if (!isPermanentError(error)) throw error;
        refusedModification = `changing ${plan.fields.join(', ')}: ${(error as Error).message}`;
      }
    } else if (plan.input) {
      reason = DatabaseReason.Modifying;
      message = `RDS instance ${id} is ${status ?? 'busy'}; changing ${plan.fields.join(', ')} once it is available`;
    } else if (reason === DatabaseReason.Available && hasPendingChanges(instance)) {
      reason = DatabaseReason.Modifying;
      message = `RDS is applying pending changes to instance ${id}`;
    }
  }

  let connection: DatabaseConnection | undefined;
  const endpoint = instance.Endpoint;
  const secret = instance.MasterUserSecret;
  if (
    reason !== DatabaseReason.Creating &&
    reason !== DatabaseReason.Deleting &&
    endpoint?.Address &&
    secret?.SecretArn
  ) {
    if (secret.SecretStatus === 'creating') {
      reason = DatabaseReason.Creating;
      message = `waiting for RDS to store the master password of instance ${id} in Secrets Manager`;
    } else {
      const credentials = parseMasterSecret(await aws.secretString(secret.SecretArn), secret.SecretArn);
      const host = { host: endpoint.Address, port: endpoint.Port ?? 5432 };
      connection = rdsConnection(credentials, host, instance.DBName ?? 'postgres', settings.sslMode);
    }
  }

  const problem = refused ?? refusedModification;
  const ready = reason === DatabaseReason.Available && connection !== undefined && problem === undefined;
  const state: DatabaseState = {
    ready,
    reason: problem !== undefined ? DatabaseReason.Failed : reason,
    message: problem ?? message,
    ...(endpoint?.Address ? { endpoint: `${endpoint.Address}:${endpoint.Port ?? 5432}` } : {}),
    instanceIdentifier: id,
    // A spec RDS refused waits for the next spec change, but the credentials must still follow rotations.
    requeueAfterMs:
      ready || (problem !== undefined && reason === DatabaseReason.Available)
        ? settings.rotationCheckIntervalMs
        : settings.statusPollIntervalMs,
  };
  return {
    resolved: { state, ...(connection ? { connection } : {}) },
    ...(refusedModification !== undefined ? { refusedModification } : {}),
  };
}

function statusMessage(instance: DBInstance, reason: DatabaseReason): string {
  const id = instance.DBInstanceIdentifier ?? '';
  const status = instance.DBInstanceStatus ?? 'unknown';
  switch (reason) {
    case DatabaseReason.Available:
      return `RDS instance ${id} (PostgreSQL ${instance.EngineVersion ?? '?'}, ${instance.DBInstanceClass ?? '?'}) is ${status}`;
    case DatabaseReason.Creating:
      return `RDS is creating instance ${id}`;
    case DatabaseReason.Deleting:
      return `RDS instance ${id} is being deleted outside this PetStore; it will be created again once it is gone`;
    case DatabaseReason.Failed:
      return status === 'stopped'
        ? `RDS instance ${id} is stopped: start it with aws rds start-db-instance --db-instance-identifier ${id}`
        : `RDS instance ${id} is ${status} and needs attention (RDS console, events of the instance)`;
    default:
      return `RDS instance ${id} is ${status}`;
  }
}

/** Changes RDS has accepted but not applied yet, on the settings the operator manages. */
function hasPendingChanges(instance: DBInstance): boolean {
  const pending = instance.PendingModifiedValues ?? {};
  return (
    pending.DBInstanceClass !== undefined ||
    pending.AllocatedStorage !== undefined ||
    pending.BackupRetentionPeriod !== undefined ||
    pending.MultiAZ !== undefined ||
    pending.EngineVersion !== undefined
  );
}
