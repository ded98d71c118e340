import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { BackupEngine } from '../backup-engine.ts';
import type { DatabaseState, EngineContext, ResolvedDatabase } from '../engine.ts';
import type { ResolvedSpec } from '../../spec/resolved-spec.ts';
import { observeAwsRequests } from './aws-metrics.ts';
import { AwsSession, type AwsClients } from './aws-session.ts';
import { createRdsBackups } from './backups.ts';
import { deleteInstanceStep } from './delete-instance.ts';
import { checkLimits } from './limits.ts';
import { desiredInstance } from './desired-instance.ts';
import { observeInstance } from './observe-instance.ts';
import { Observations } from './observations.ts';
import { rdsSettings, type RdsDatabaseOptions } from './options.ts';

/** What the engine uses of a reconcile context: a logger and the clock. */
export type RdsContext = Pick<EngineContext, 'log' | 'now' | 'signal' | 'fence'>;

/** A database engine with finalize (../engine.ts), that needs only a logger and a clock from the context (so tests need no cluster). */
export interface RdsDatabase {
  resolve: (petStore: PetStore, spec: ResolvedSpec, ctx: RdsContext) => Promise<ResolvedDatabase>;
  finalize: (
    petStore: PetStore,
    spec: ResolvedSpec,
    ctx: RdsContext,
  ) => Promise<{ done: boolean; state: DatabaseState }>;
  /** PetStoreBackups of rds PetStores: manual DB snapshots. */
  backups: BackupEngine;
}

/**
 * The rds database engine: each PetStore gets its own RDS PostgreSQL instance, its master credentials follow RDS's
 * rotations within `rotationCheckIntervalMs`, and deletion applies spec.database.rds.deletionPolicy. Throws at once
 * when the options are invalid.
 */
export function createRdsDatabase(options: RdsDatabaseOptions): RdsDatabase {
  const settings = rdsSettings(options);
  // Region, endpoint and credentials come from the SDK's own chains (AWS_REGION, AWS_ENDPOINT_URL, Pod Identity, ...).
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
  const clients: AwsClients = {
    rds: options.rds ?? new RDSClient(config),
    secretsManager: options.secretsManager ?? new SecretsManagerClient(config),
  };
  const observe = options.observeAwsRequest;
  if (observe) {
    observeAwsRequests(clients.rds, 'rds', observe);
    observeAwsRequests(clients.secretsManager, 'secretsmanager', observe);
  }
  const observations = new Observations();
  const keyOf = (petStore: PetStore) => `${petStore.metadata.namespace}/${petStore.metadata.name}`;

  async function resolve(petStore: PetStore, spec: ResolvedSpec, ctx: RdsContext): Promise<ResolvedDatabase> {
    const key = keyOf(petStore);
    const desired = desiredInstance(petStore, spec, settings);
    checkLimits(desired, settings);
    const adopt = spec.database.rds.adopt;
    const fingerprint = JSON.stringify([desired, adopt]);
    const now = ctx.now().getTime();
    const fresh = observations.fresh(key, fingerprint, now);
    // Reconciles between two looks reuse the last one and come back when it goes stale, which bounds both the AWS
    // calls and how late a rotated password is seen.
    if (fresh) return { ...fresh.result, state: { ...fresh.result.state, requeueAfterMs: fresh.remainingMs } };
    const held = observations.held(key, fingerprint, now);
    if (held) throw held;
    const aws = new AwsSession(clients, ctx.signal, ctx.fence);
    try {
      const observed = await observeInstance({
        aws,
        desired,
        petStore,
        adopt,
        settings,
        refusedBefore: observations.refusedModification(key, fingerprint),
        ctx,
      });
      observations.remember(key, fingerprint, observed.resolved, now, observed.refusedModification);
      return observed.resolved;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const holdMs = observations.failed(key, fingerprint, failure, now, settings.statusPollIntervalMs);
      ctx.log.debug(
        { rdsInstance: desired.identifier, holdMs },
        'RDS look failed; AWS left alone for this PetStore meanwhile',
      );
      throw failure;
    } finally {
      ctx.log.debug({ rdsInstance: desired.identifier, awsCalls: aws.calls }, 'RDS instance observed');
    }
  }

  async function finalize(petStore: PetStore, spec: ResolvedSpec, ctx: RdsContext) {
    observations.forget(keyOf(petStore));
    const aws = new AwsSession(clients, ctx.signal, ctx.fence);
    try {
      return await deleteInstanceStep({
        aws,
        desired: desiredInstance(petStore, spec, settings),
        petStore,
        policy: spec.database.rds.deletionPolicy,
        settings,
        ctx,
      });
    } finally {
      ctx.log.debug({ awsCalls: aws.calls }, 'RDS deletion step');
    }
  }

  return { resolve, finalize, backups: createRdsBackups(clients, settings) };
}
