import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type CreateDBInstanceCommandInput,
  type DBInstance,
  type DBSnapshot,
  type DeleteDBInstanceCommandInput,
  type ModifyDBInstanceCommandInput,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
  type RestoreDBInstanceToPointInTimeCommandInput,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorCode, awsFailure } from './aws-errors.ts';

/** Every AWS action the engine calls, as IAM names it; the IAM policy test checks operator/iam/aws-policy.json allows each. */
export const awsActions = {
  describeInstance: 'rds:DescribeDBInstances',
  createInstance: 'rds:CreateDBInstance',
  modifyInstance: 'rds:ModifyDBInstance',
  deleteInstance: 'rds:DeleteDBInstance',
  addTags: 'rds:AddTagsToResource',
  removeTags: 'rds:RemoveTagsFromResource',
  readSecret: 'secretsmanager:GetSecretValue',
  describeSnapshots: 'rds:DescribeDBSnapshots',
  restoreFromSnapshot: 'rds:RestoreDBInstanceFromDBSnapshot',
  restoreToPointInTime: 'rds:RestoreDBInstanceToPointInTime',
  createSnapshot: 'rds:CreateDBSnapshot',
  deleteSnapshot: 'rds:DeleteDBSnapshot',
} as const;

/** The longest one AWS call may take, retries included, before it counts as failed (and is retried with backoff). */
export const awsCallTimeoutMs = 60_000;

export interface AwsClients {
  rds: RDSClient;
  secretsManager: SecretsManagerClient;
}

/**
 * The AWS calls of one reconcile pass: each method is one API call (the SDK retries throttling and 5xx inside it),
 * counted in `calls`, with errors turned into the reconciler's kinds by {@link awsFailure}. Outcomes that are part of
 * normal life (the instance is not there, already exists, is busy) are results, not errors.
 */
export class AwsSession {
  /** API calls made so far by this session. */
  calls = 0;
  readonly #clients: AwsClients;
  readonly #signal: AbortSignal | undefined;
  readonly #fence: () => void;

  /**
   * `signal` is the reconcile's: when it aborts (leadership lost, shutdown) calls in flight are cancelled. `fence`
   * runs before every call that changes something in AWS (see ReconcileContext.fence).
   */
  constructor(clients: AwsClients, signal?: AbortSignal, fence: () => void = () => undefined) {
    this.#clients = clients;
    this.#signal = signal;
    this.#fence = fence;
  }

  /** Every call is bounded by `awsCallTimeoutMs` (the SDK's own retries included) and by the reconcile's signal. */
  #request(): { abortSignal: AbortSignal } {
    const timeout = AbortSignal.timeout(awsCallTimeoutMs);
    return { abortSignal: this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout };
  }

  /** The instance, or undefined when RDS has none by that identifier. */
  async describeInstance(identifier: string): Promise<DBInstance | undefined> {
    this.calls++;
    try {
      const out = await this.#clients.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
        this.#request(),
      );
      return out.DBInstances?.[0];
    } catch (error) {
      if (awsErrorCode(error) === 'DBInstanceNotFound') return undefined;
      throw awsFailure(error, awsActions.describeInstance, `instance ${identifier}`);
    }
  }

  /** The new instance, or undefined when one by that identifier already exists (an earlier pass created it). */
  async createInstance(input: CreateDBInstanceCommandInput): Promise<DBInstance | undefined> {
    this.#fence();
    this.calls++;
    try {
      return (await this.#clients.rds.send(new CreateDBInstanceCommand(input), this.#request())).DBInstance;
    } catch (error) {
      if (awsErrorCode(error) === 'DBInstanceAlreadyExists') return undefined;
      throw awsFailure(error, awsActions.createInstance, `instance ${input.DBInstanceIdentifier ?? ''}`);
    }
  }

  /** The new instance restored from a snapshot, or undefined when one by that identifier already exists. */
  async restoreFromSnapshot(input: RestoreDBInstanceFromDBSnapshotCommandInput): Promise<DBInstance | undefined> {
    this.#fence();
    this.calls++;
    try {
      return (await this.#clients.rds.send(new RestoreDBInstanceFromDBSnapshotCommand(input), this.#request()))
        .DBInstance;
    } catch (error) {
      if (awsErrorCode(error) === 'DBInstanceAlreadyExists') return undefined;
      throw awsFailure(error, awsActions.restoreFromSnapshot, `instance ${input.DBInstanceIdentifier ?? ''}`);
    }
  }

  /** The new instance restored to a point in time, or undefined when one by that identifier already exists. */
  async restoreToPointInTime(input: RestoreDBInstanceToPointInTimeCommandInput): Promise<DBInstance | undefined> {
    this.#fence();
    this.calls++;
    try {
      return (await this.#clients.rds.send(new RestoreDBInstanceToPointInTimeCommand(input), this.#request()))
        .DBInstance;
    } catch (error) {
      if (awsErrorCode(error) === 'DBInstanceAlreadyExists') return undefined;
      throw awsFailure(error, awsActions.restoreToPointInTime, `instance ${input.TargetDBInstanceIdentifier ?? ''}`);
    }
  }

  /** The snapshot, or undefined when RDS has none by that identifier. */
  async describeSnapshot(identifier: string): Promise<DBSnapshot | undefined> {
    this.calls++;
    try {
      const out = await this.#clients.rds.send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }),
        this.#request(),
      );
      return out.DBSnapshots?.[0];
    } catch (error) {
      if (awsErrorCode(error) === 'DBSnapshotNotFound') return undefined;
      throw awsFailure(error, awsActions.describeSnapshots, `snapshot ${identifier}`);
    }
  }

  /** The manual snapshots of an instance (one page of up to 100, newest last as RDS returns them). */
  async describeSnapshotsOf(instanceIdentifier: string): Promise<DBSnapshot[]> {
    this.calls++;
    try {
      const out = await this.#clients.rds.send(
        new DescribeDBSnapshotsCommand({
          DBInstanceIdentifier: instanceIdentifier,
          SnapshotType: 'manual',
          MaxRecords: 100,
        }),
        this.#request(),
      );
      return out.DBSnapshots ?? [];
    } catch (error) {
      throw awsFailure(error, awsActions.describeSnapshots, `snapshots of instance ${instanceIdentifier}`);
    }
  }

  /**
   * The new snapshot; undefined when one by that identifier already exists (an earlier pass made it), `'busy'` when
   * the instance cannot be snapshotted in its state (creating, another snapshot running).
   */
  async createSnapshot(
    instanceIdentifier: string,
    snapshotIdentifier: string,
    tags: Tag[],
  ): Promise<DBSnapshot | undefined | 'busy'> {
    this.#fence();
    this.calls++;
    try {
      return (
        await this.#clients.rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: instanceIdentifier,
            DBSnapshotIdentifier: snapshotIdentifier,
            Tags: tags,
          }),
          this.#request(),
        )
      ).DBSnapshot;
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'DBSnapshotAlreadyExists') return undefined;
      if (code === 'InvalidDBInstanceState') return 'busy';
      throw awsFailure(error, awsActions.createSnapshot, `snapshot ${snapshotIdentifier}`);
    }
  }

  /** `'gone'` when the snapshot no longer exists, `'busy'` when it cannot be deleted yet (still being made). */
  async deleteSnapshot(snapshotIdentifier: string): Promise<'deleting' | 'gone' | 'busy'> {
    this.#fence();
    this.calls++;
    try {
      await this.#clients.rds.send(
        new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshotIdentifier }),
        this.#request(),
      );
      return 'deleting';
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'DBSnapshotNotFound') return 'gone';
      if (code === 'InvalidDBSnapshotState') return 'busy';
      throw awsFailure(error, awsActions.deleteSnapshot, `snapshot ${snapshotIdentifier}`);
    }
  }

  /** Undefined when RDS is busy with the instance (InvalidDBInstanceState): try again on the next poll. */
  async modifyInstance(input: ModifyDBInstanceCommandInput): Promise<DBInstance | undefined> {
    this.#fence();
    this.calls++;
    try {
      return (await this.#clients.rds.send(new ModifyDBInstanceCommand(input), this.#request())).DBInstance;
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidDBInstanceState') return undefined;
      throw awsFailure(error, awsActions.modifyInstance, `instance ${input.DBInstanceIdentifier ?? ''}`);
    }
  }

  /** `'gone'` when the instance no longer exists, `'busy'` when RDS cannot delete it in its current state. */
  async deleteInstance(input: DeleteDBInstanceCommandInput): Promise<'deleting' | 'gone' | 'busy'> {
    this.#fence();
    this.calls++;
    try {
      await this.#clients.rds.send(new DeleteDBInstanceCommand(input), this.#request());
      return 'deleting';
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'DBInstanceNotFound') return 'gone';
      if (code === 'InvalidDBInstanceState') return 'busy';
      throw awsFailure(error, awsActions.deleteInstance, `instance ${input.DBInstanceIdentifier}`);
    }
  }

  async addTags(resourceArn: string, tags: Tag[], identifier: string): Promise<void> {
    this.#fence();
    this.calls++;
    try {
      await this.#clients.rds.send(
        new AddTagsToResourceCommand({ ResourceName: resourceArn, Tags: tags }),
        this.#request(),
      );
    } catch (error) {
      throw awsFailure(error, awsActions.addTags, `instance ${identifier}`);
    }
  }

  async removeTags(resourceArn: string, keys: string[], identifier: string): Promise<void> {
    this.#fence();
    this.calls++;
    try {
      await this.#clients.rds.send(
        new RemoveTagsFromResourceCommand({ ResourceName: resourceArn, TagKeys: keys }),
        this.#request(),
      );
    } catch (error) {
      throw awsFailure(error, awsActions.removeTags, `instance ${identifier}`);
    }
  }

  /** The secret's current value (AWSCURRENT). Never logged, never put in an error. */
  async secretString(secretArn: string): Promise<string | undefined> {
    this.calls++;
    try {
      return (
        await this.#clients.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }), this.#request())
      ).SecretString;
    } catch (error) {
      throw awsFailure(error, awsActions.readSecret, `secret ${secretArn}`);
    }
  }
}
