import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  type CreateDBInstanceCommandInput,
  type DBInstance,
  type DeleteDBInstanceCommandInput,
  type ModifyDBInstanceCommandInput,
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
