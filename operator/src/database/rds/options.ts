import type { RDSClient } from '@aws-sdk/client-rds';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsRequestObserver } from './aws-metrics.ts';

/** How the operator provisions RDS databases; one set for the whole operator (flags or Helm values). */
export interface RdsDatabaseOptions {
  /** Told about every AWS call (petstore_operator_aws_requests_total). */
  observeAwsRequest?: AwsRequestObserver;
  /** AWS region; unset = the SDK's default chain (AWS_REGION, the profile, instance metadata). */
  region?: string;
  /** AWS endpoint; unset = the SDK's defaults (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_RDS, ...): how tests reach moto. */
  endpoint?: string;
  /**
   * Name of this Kubernetes cluster, written on every instance (tag petstore.example.com/cluster) and part of its
   * identifier, so two clusters sharing an AWS account never claim each other's databases. Use the EKS cluster name:
   * the IAM policy compares it with the EKS Pod Identity session tag eks-cluster-name.
   */
  clusterName: string;
  /** DB subnet group the instances live in (from infra-terraform). */
  dbSubnetGroupName: string;
  /** Security groups of the instances (from infra-terraform); at least one. */
  vpcSecurityGroupIds: readonly string[];
  /** PostgreSQL version for PetStores that leave spec.database.rds.engineVersion unset. Default 17. */
  defaultEngineVersion?: string;
  /** How often a ready database is looked at again, which bounds how long a rotated password takes to reach the pods. Default 5 min. */
  rotationCheckIntervalMs?: number;
  /** How often a database that is being created, modified or deleted is looked at. Default 30 s (as ACK). */
  statusPollIntervalMs?: number;
  /** Database created in each instance. Default petstore. */
  databaseName?: string;
  /** Master user name (its password is RDS's). Default petstore. */
  masterUsername?: string;
  /** KMS key for storage encryption; unset = the account's aws/rds key. */
  kmsKeyId?: string;
  /** KMS key for the master password's secret; unset = the account's aws/secretsmanager key. */
  masterUserSecretKmsKeyId?: string;
  /**
   * DB parameter group per PostgreSQL major version, e.g. { "17": "pet-store-prod-postgres17" } (infra-terraform's group
   * with rds.force_ssl=1). A group belongs to one family, so a version without an entry gets the engine's default group.
   */
  dbParameterGroups?: Readonly<Record<string, string>>;
  /** Instance classes PetStores may ask for; unset or empty: any. */
  allowedInstanceClasses?: readonly string[];
  /** Largest allocatedStorage and maxAllocatedStorage (GiB) a PetStore may ask for; unset: no limit. */
  maxAllocatedStorage?: number;
  /** sslmode written into DATABASE_URL. Default require. */
  sslMode?: 'require' | 'verify-ca' | 'verify-full';
  /** Clients to use instead of ones built from region/endpoint (tests). */
  rds?: RDSClient;
  secretsManager?: SecretsManagerClient;
}

/** The options with defaults filled in and checked. */
export interface RdsSettings {
  clusterName: string;
  dbSubnetGroupName: string;
  vpcSecurityGroupIds: readonly string[];
  defaultEngineVersion: string;
  rotationCheckIntervalMs: number;
  statusPollIntervalMs: number;
  databaseName: string;
  masterUsername: string;
  kmsKeyId?: string;
  masterUserSecretKmsKeyId?: string;
  dbParameterGroups: Readonly<Record<string, string>>;
  sslMode: string;
  allowedInstanceClasses?: readonly string[];
  maxAllocatedStorage?: number;
}

export const rdsDefaults = {
  defaultEngineVersion: '17',
  rotationCheckIntervalMs: 5 * 60_000,
  statusPollIntervalMs: 30_000,
  databaseName: 'petstore',
  masterUsername: 'petstore',
  sslMode: 'require',
} as const;

/** Fills in defaults; throws an error naming the option when one is missing or malformed. */
export function rdsSettings(options: RdsDatabaseOptions): RdsSettings {
  const problems: string[] = [];
  // RDS tag values allow letters, digits, spaces and _ . : / = + - @; a cluster name is a plain DNS-ish name.
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,99}$/.test(options.clusterName)) {
    problems.push(`clusterName must be 1-100 letters, digits or _.:/=+-@ (got ${JSON.stringify(options.clusterName)})`);
  }
  if (!options.dbSubnetGroupName)
    problems.push('dbSubnetGroupName is required (the DB subnet group from infra-terraform)');
  if (
    options.vpcSecurityGroupIds.length === 0 ||
    options.vpcSecurityGroupIds.some((id) => !/^sg-[0-9a-f]+$/.test(id))
  ) {
    problems.push(
      `vpcSecurityGroupIds must be one or more sg-... ids (got ${JSON.stringify(options.vpcSecurityGroupIds)})`,
    );
  }
  const defaultEngineVersion = options.defaultEngineVersion ?? rdsDefaults.defaultEngineVersion;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(defaultEngineVersion)) {
    problems.push(
      `defaultEngineVersion must be a PostgreSQL major or major.minor version such as 17 (got ${defaultEngineVersion})`,
    );
  }
  const rotationCheckIntervalMs = options.rotationCheckIntervalMs ?? rdsDefaults.rotationCheckIntervalMs;
  const statusPollIntervalMs = options.statusPollIntervalMs ?? rdsDefaults.statusPollIntervalMs;
  for (const [option, value] of [
    ['rotationCheckIntervalMs', rotationCheckIntervalMs],
    ['statusPollIntervalMs', statusPollIntervalMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 1000) problems.push(`${option} must be at least 1000 ms (got ${value})`);
  }
  const databaseName = options.databaseName ?? rdsDefaults.databaseName;
  const masterUsername = options.masterUsername ?? rdsDefaults.masterUsername;
  // RDS for PostgreSQL: a letter first, then letters, digits or underscores; at most 63 (database) or 16 (user).
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(databaseName))
    problems.push(`databaseName ${databaseName} is not a valid PostgreSQL database name`);
  if (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(masterUsername))
    problems.push(`masterUsername ${masterUsername} is not a valid RDS master user name`);
  for (const major of Object.keys(options.dbParameterGroups ?? {})) {
    if (!/^[0-9]+$/.test(major))
      problems.push(`dbParameterGroups keys must be PostgreSQL major versions such as 17 (got ${major})`);
  }
  if (problems.length > 0) throw new Error(`invalid RDS options: ${problems.join('; ')}`);
  return {
    clusterName: options.clusterName,
    dbSubnetGroupName: options.dbSubnetGroupName,
    vpcSecurityGroupIds: options.vpcSecurityGroupIds,
    defaultEngineVersion,
    rotationCheckIntervalMs,
    statusPollIntervalMs,
    databaseName,
    masterUsername,
    ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
    ...(options.masterUserSecretKmsKeyId ? { masterUserSecretKmsKeyId: options.masterUserSecretKmsKeyId } : {}),
    dbParameterGroups: options.dbParameterGroups ?? {},
    sslMode: options.sslMode ?? rdsDefaults.sslMode,
    ...(options.allowedInstanceClasses ? { allowedInstanceClasses: options.allowedInstanceClasses } : {}),
    ...(options.maxAllocatedStorage !== undefined ? { maxAllocatedStorage: options.maxAllocatedStorage } : {}),
  };
}
