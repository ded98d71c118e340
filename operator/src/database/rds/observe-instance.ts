import type { DBInstance } from '@aws-sdk/client-rds';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import { DependencyMissingError, PermanentError } from '../../runtime/errors.ts';
import type { DatabaseState, EngineContext, ResolvedDatabase } from '../engine.ts';
import type { DatabaseConnection } from '../../spec/database-connection.ts';
import { isPermanentError } from '../../runtime/errors.ts';
import type { AwsSession } from './aws-session.ts';
import { checkUsable, claimInstance } from './claim.ts';
import { parseMasterSecret, rdsConnection } from './credentials.ts';
import { createInstanceInput, type DesiredInstance } from './desired-instance.ts';
import { acceptsModification, DatabaseReason, reasonForStatus } from './instance-status.ts';
import { planModification } from './modification.ts';
import type { RdsSettings } from './options.ts';
import { restoreInstance } from './restore.ts';
import { describeRestoreSource } from './restore-source.ts';
import { tagChanges, tagKeys, tagMap } from './tags.ts';

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
  ctx: Pick<EngineContext, 'log' | 'signal'>;
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
  const instance = await findOrCreate(aws, desired, petStore, settings, log);
  const claim = claimInstance(instance, petStore, settings.clusterName, input.adopt);
  if (claim !== 'owned') log.info({ claim }, 'RDS instance taken over by this PetStore');
  checkUsable(instance);
  const arn = instance.DBInstanceArn;
  // An instance the operator did not create keeps an "adopted" mark, so it is never weakened on any later look.
  const adopted = claim === 'adopted' || tagMap(instance.TagList)[tagKeys.adopted] === 'true';
  const tags = tagChanges(instance.TagList, adopted ? { ...desired.tags, [tagKeys.adopted]: 'true' } : desired.tags);
  if (arn && tags.add.length > 0) await aws.addTags(arn, tags.add, id);
  if (arn && tags.remove.length > 0) await aws.removeTags(arn, tags.remove, id);

  const settled = await applySettings(aws, instance, desired, { refusedBefore: input.refusedBefore, adopted }, log);
  let { reason, message } = settled;
  if (settled.held.length > 0) {
    message +=
      `; not applied to this adopted instance because it would shrink, downgrade or unprotect it: ${settled.held.join(', ')} ` +
      '(an administrator changes those in AWS)';
  }
  let connection: DatabaseConnection | undefined;
  const endpoint = instance.Endpoint;
  const secret = instance.MasterUserSecret;
  const reachable = reason !== DatabaseReason.Creating && reason !== DatabaseReason.Deleting;
  if (reachable && endpoint?.Address && secret?.SecretArn) {
    if (secret.SecretStatus === 'creating') {
      reason = DatabaseReason.Creating;
      message = `waiting for RDS to store the master password of instance ${id} in Secrets Manager`;
    } else {
      const credentials = parseMasterSecret(await aws.secretString(secret.SecretArn), secret.SecretArn);
      const host = { host: endpoint.Address, port: endpoint.Port ?? 5432 };
      connection = rdsConnection(credentials, host, instance.DBName ?? 'postgres', settings.sslMode);
    }
  }

  const restoredFrom = tagMap(instance.TagList)[tagKeys.restoredFrom];
  const { refused, refusedModification } = settled;
  const problems = [refused, refusedModification].filter((p) => p !== undefined);
  const problem = problems.length > 0 ? problems.join('; ') : undefined;
  const ready = reason === DatabaseReason.Available && connection !== undefined && problem === undefined;
  const state: DatabaseState = {
    ready,
    reason: problem !== undefined ? DatabaseReason.Failed : reason,
    message: problem ?? message,
    ...(endpoint?.Address ? { endpoint: `${endpoint.Address}:${endpoint.Port ?? 5432}` } : {}),
    instanceIdentifier: id,
    ...(restoredFrom !== undefined ? { restoredFrom } : {}),
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

/**
 * The instance by its identifier, created when absent. Describe first: an identifier that exists is never created
 * again, and "already exists" from a create (an earlier pass's create succeeded unseen) means describe again.
 */
async function findOrCreate(
  aws: AwsSession,
  desired: DesiredInstance,
  petStore: PetStore,
  settings: RdsSettings,
  log: ObserveInput['ctx']['log'],
): Promise<DBInstance> {
  const id = desired.identifier;
  const found = await aws.describeInstance(id);
  if (found) return found;
  const used = petStore.status?.database;
  if (used?.instanceIdentifier === id && used.endpoint) {
    // The app's data was there: an empty instance in its place would be a silent switch to another database.
    throw new PermanentError(
      `RDS instance ${id}, which this PetStore used (${used.endpoint}), no longer exists; the operator does not create ` +
        'an empty one in its place. Restore it under the same identifier from a snapshot (docs/runbook.md), or ' +
        'delete and re-create the PetStore to start from an empty database',
      { reason: 'DatabaseLost', recheckAfterMs: 5 * 60_000 },
    );
  }
  if (desired.named) {
    throw new DependencyMissingError(
      'DBInstanceNotFound',
      `RDS instance ${id} named by spec.database.rds.instanceIdentifier does not exist; create or restore it, or remove the field to let the operator create one`,
    );
  }
  const created = desired.restoreFrom
    ? await restoreInstance(aws, desired.restoreFrom, desired, petStore, settings)
    : await aws.createInstance(createInstanceInput(desired, settings));
  if (created) {
    const from = desired.restoreFrom && describeRestoreSource(desired.restoreFrom);
    log.info(
      {
        instanceClass: desired.instanceClass,
        engineVersion: created.EngineVersion,
        ...(from ? { restoredFrom: from } : {}),
      },
      from ? 'RDS instance restored' : 'RDS instance created',
    );
    return created;
  }
  const existing = await aws.describeInstance(id);
  if (!existing) throw new Error(`RDS says instance ${id} already exists but does not describe it yet; looking again`);
  return existing;
}

/** What a look found and did about the instance's settings. */
interface Settled {
  reason: DatabaseReason;
  message: string;
  /** A change the operator will not make in place (names the field). */
  refused?: string;
  /** A ModifyDBInstance AWS refused, now or for the same spec before. */
  refusedModification?: string;
  /** Changes held back on an adopted instance (they would weaken it). */
  held: string[];
}

/**
 * Brings class, storage, retention, Multi-AZ, deletion protection and minor version to the spec with one
 * ModifyDBInstance, when RDS accepts one; reports Modifying while RDS applies it. At most 1 AWS call.
 */
async function applySettings(
  aws: AwsSession,
  instance: DBInstance,
  desired: DesiredInstance,
  { refusedBefore, adopted }: { refusedBefore: string | undefined; adopted: boolean },
  log: ObserveInput['ctx']['log'],
): Promise<Settled> {
  const id = desired.identifier;
  const status = instance.DBInstanceStatus;
  const reason = reasonForStatus(status);
  const unchanged = { reason, message: statusMessage(instance, reason), held: [] };
  if (reason !== DatabaseReason.Available && reason !== DatabaseReason.Modifying) return unchanged;
  const plan = planModification(instance, desired, { adopted });
  const refused = { held: plan.held, ...(plan.refused !== undefined ? { refused: plan.refused } : {}) };
  const fields = plan.fields.join(', ');
  if (!plan.input) {
    if (reason === DatabaseReason.Available && hasPendingChanges(instance)) {
      return {
        reason: DatabaseReason.Modifying,
        message: `RDS is applying pending changes to instance ${id}`,
        ...refused,
      };
    }
    return { ...unchanged, ...refused };
  }
  if (refusedBefore !== undefined) return { ...unchanged, ...refused, refusedModification: refusedBefore };
  if (!acceptsModification(status)) {
    const message = `RDS instance ${id} is ${status ?? 'busy'}; changing ${fields} once it is available`;
    return { reason: DatabaseReason.Modifying, message, ...refused };
  }
  let modified;
  try {
    modified = await aws.modifyInstance(plan.input);
  } catch (error) {
    if (!isPermanentError(error)) throw error;
    return { ...unchanged, ...refused, refusedModification: `changing ${fields}: ${(error as Error).message}` };
  }
  if (!modified)
    return {
      reason: DatabaseReason.Modifying,
      message: `RDS instance ${id} is busy; changing ${fields} on the next look`,
      ...refused,
    };
  log.info({ fields: plan.fields }, 'RDS instance modification requested');
  return { reason: DatabaseReason.Modifying, message: `RDS is changing ${fields} of instance ${id}`, ...refused };
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
