import { isIP } from 'node:net';
import { builtinDefaults, type OperatorDefaults } from './spec/operator-defaults.ts';
import { parseDuration } from './runtime/duration.ts';

/** The operator's own settings (the runtime's flags live in runtime/config.ts); all from the environment. */
export interface OperatorConfig {
  defaults: OperatorDefaults;
  /** Undefined when the operator is not set up for RDS (then engine rds is refused with a clear reason). */
  rds?: {
    dbSubnetGroupName: string;
    vpcSecurityGroupIds: string[];
    clusterName: string;
    defaultEngineVersion?: string;
    /** Parameter group per PostgreSQL major version, e.g. { "17": "pet-store-prod-postgres17" } (forces TLS). */
    dbParameterGroups?: Record<string, string>;
    /** How often a ready database's credentials are read again (the bound on following a rotation). */
    rotationCheckIntervalMs?: number;
    /** How often an instance that is creating or modifying is looked at. */
    statusPollIntervalMs?: number;
    /** Instance classes PetStores may ask for (empty: any). */
    allowedInstanceClasses?: string[];
    /** Largest storage (GiB) a PetStore may ask for. */
    maxAllocatedStorage?: number;
  };
}

/** Environment variables, with what they set; docs and the Helm chart follow this list. */
export const operatorEnvironment = {
  PETSTORE_API_IMAGE: 'API image for PetStores without spec.image',
  PETSTORE_ALLOWED_CIDRS:
    'comma-separated CIDRs allowed to reach the API when spec.networkPolicy.allowedCIDRs is unset',
  PETSTORE_DATABASE_CIDRS:
    'comma-separated CIDRs the API may reach on 5432 when spec.networkPolicy.databaseCIDRs is unset',
  PETSTORE_METRICS_NAMESPACES:
    'comma-separated namespaces whose pods may scrape the API on 8080 through the NetworkPolicy (default monitoring)',
  PETSTORE_INGRESS_CLASS: 'IngressClass when spec.ingress.className is unset',
  PETSTORE_DEFAULT_OWNER: 'Owner tag when spec.tags.owner is unset',
  PETSTORE_DEFAULT_COST_CENTER: 'Cost-Center tag when spec.tags.costCenter is unset',
  PETSTORE_RUNBOOK_URL:
    "https URL of docs/runbook.md as you publish it; each PetStore alert's runbook_url links a section of it",
  RDS_DB_SUBNET_GROUP: 'DB subnet group for RDS instances; unset turns engine rds off',
  RDS_SECURITY_GROUP_IDS: 'comma-separated VPC security group ids for RDS instances',
  CLUSTER_NAME: 'name of this Kubernetes cluster, tagged on AWS resources to prove ownership',
  RDS_ENGINE_VERSION:
    'PostgreSQL major version for new RDS instances without spec.database.rds.engineVersion (default 17)',
  RDS_DB_PARAMETER_GROUPS: 'comma-separated <major>=<parameter group> pairs, e.g. 17=pet-store-prod-postgres17',
  RDS_ROTATION_CHECK_INTERVAL:
    'how often credentials of a ready RDS database are re-read, bounding how long a rotation takes to reach pods (default 5m)',
  RDS_STATUS_POLL_INTERVAL: 'how often an RDS instance that is creating or modifying is looked at (default 30s)',
  RDS_ALLOWED_INSTANCE_CLASSES:
    'comma-separated RDS instance classes PetStores may ask for, e.g. db.t4g.micro,db.t4g.small (unset: any)',
  RDS_MAX_ALLOCATED_STORAGE:
    'largest allocatedStorage / maxAllocatedStorage in GiB a PetStore may ask for (unset: no limit)',
} as const;

export class OperatorConfigError extends Error {
  constructor(variable: keyof typeof operatorEnvironment, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'OperatorConfigError';
  }
}

function runbookUrl(value: string | undefined): string {
  const url = value?.trim();
  if (!url) return builtinDefaults.runbookUrl;
  if (!/^https?:\/\/[^\s#"'<>]+$/.test(url))
    throw new OperatorConfigError(
      'PETSTORE_RUNBOOK_URL',
      `has "${url}", which is not an http(s) URL without a #fragment`,
    );
  return url;
}

export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const list = (name: keyof typeof operatorEnvironment): string[] | undefined => {
    const value = env[name]?.trim();
    return value
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : undefined;
  };
  const cidrs = (name: 'PETSTORE_ALLOWED_CIDRS' | 'PETSTORE_DATABASE_CIDRS'): string[] | undefined => {
    const values = list(name);
    for (const value of values ?? []) {
      const [address, prefix, extra] = value.split('/');
      const bits = isIP(address ?? '') === 6 ? 128 : 32;
      if (extra !== undefined || !isIP(address ?? '') || !/^\d+$/.test(prefix ?? '') || Number(prefix) > bits) {
        throw new OperatorConfigError(name, `has "${value}", which is not a CIDR such as 10.0.101.0/24`);
      }
    }
    return values;
  };
  const defaults: OperatorDefaults = {
    apiImage: env.PETSTORE_API_IMAGE?.trim() || builtinDefaults.apiImage,
    allowedCIDRs: cidrs('PETSTORE_ALLOWED_CIDRS') ?? builtinDefaults.allowedCIDRs,
    databaseCIDRs: cidrs('PETSTORE_DATABASE_CIDRS') ?? builtinDefaults.databaseCIDRs,
    metricsNamespaces: list('PETSTORE_METRICS_NAMESPACES') ?? builtinDefaults.metricsNamespaces,
    ingressClassName: env.PETSTORE_INGRESS_CLASS?.trim() || builtinDefaults.ingressClassName,
    owner: env.PETSTORE_DEFAULT_OWNER?.trim() || builtinDefaults.owner,
    costCenter: env.PETSTORE_DEFAULT_COST_CENTER?.trim() || builtinDefaults.costCenter,
    runbookUrl: runbookUrl(env.PETSTORE_RUNBOOK_URL),
  };
  const subnetGroup = env.RDS_DB_SUBNET_GROUP?.trim();
  if (!subnetGroup) return { defaults };
  const securityGroups = list('RDS_SECURITY_GROUP_IDS') ?? [];
  if (securityGroups.length === 0)
    throw new OperatorConfigError(
      'RDS_SECURITY_GROUP_IDS',
      'must name at least one security group when RDS_DB_SUBNET_GROUP is set',
    );
  for (const id of securityGroups) {
    if (!/^sg-[0-9a-f]{8,17}$/.test(id))
      throw new OperatorConfigError('RDS_SECURITY_GROUP_IDS', `has "${id}", which is not a security group id (sg-…)`);
  }
  const clusterName = env.CLUSTER_NAME?.trim();
  if (!clusterName)
    throw new OperatorConfigError(
      'CLUSTER_NAME',
      'must be set when RDS_DB_SUBNET_GROUP is (it is tagged on every RDS instance)',
    );
  const engineVersion = env.RDS_ENGINE_VERSION?.trim();
  if (engineVersion && !/^\d+(\.\d+)?$/.test(engineVersion))
    throw new OperatorConfigError('RDS_ENGINE_VERSION', `has "${engineVersion}", not a version such as 17`);
  const parameterGroups: Record<string, string> = {};
  for (const pair of list('RDS_DB_PARAMETER_GROUPS') ?? []) {
    const [major, group, extra] = pair.split('=');
    if (!major || !group || extra !== undefined || !/^\d+$/.test(major)) {
      throw new OperatorConfigError(
        'RDS_DB_PARAMETER_GROUPS',
        `has "${pair}", expected <major>=<parameter group> such as 17=pet-store-prod-postgres17`,
      );
    }
    parameterGroups[major] = group;
  }
  const interval = (name: 'RDS_ROTATION_CHECK_INTERVAL' | 'RDS_STATUS_POLL_INTERVAL'): number | undefined => {
    const text = env[name]?.trim();
    if (!text) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined || ms < 1000)
      throw new OperatorConfigError(name, `has "${text}", expected a duration of at least 1s such as 30s or 5m`);
    return ms;
  };
  const rotationCheckIntervalMs = interval('RDS_ROTATION_CHECK_INTERVAL');
  const statusPollIntervalMs = interval('RDS_STATUS_POLL_INTERVAL');
  const allowedInstanceClasses = list('RDS_ALLOWED_INSTANCE_CLASSES') ?? [];
  for (const instanceClass of allowedInstanceClasses) {
    if (!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceClass))
      throw new OperatorConfigError(
        'RDS_ALLOWED_INSTANCE_CLASSES',
        `has "${instanceClass}", not an instance class such as db.t4g.micro`,
      );
  }
  const maxStorageText = env.RDS_MAX_ALLOCATED_STORAGE?.trim();
  const maxAllocatedStorage = maxStorageText ? Number(maxStorageText) : undefined;
  if (maxAllocatedStorage !== undefined && !(Number.isInteger(maxAllocatedStorage) && maxAllocatedStorage >= 20))
    throw new OperatorConfigError(
      'RDS_MAX_ALLOCATED_STORAGE',
      `has "${maxStorageText ?? ''}", expected a whole number of GiB, at least 20`,
    );
  return {
    defaults,
    rds: {
      ...(rotationCheckIntervalMs ? { rotationCheckIntervalMs } : {}),
      ...(statusPollIntervalMs ? { statusPollIntervalMs } : {}),
      ...(allowedInstanceClasses.length > 0 ? { allowedInstanceClasses } : {}),
      ...(maxAllocatedStorage !== undefined ? { maxAllocatedStorage } : {}),
      dbSubnetGroupName: subnetGroup,
      vpcSecurityGroupIds: securityGroups,
      clusterName,
      ...(engineVersion ? { defaultEngineVersion: engineVersion } : {}),
      ...(Object.keys(parameterGroups).length > 0 ? { dbParameterGroups: parameterGroups } : {}),
    },
  };
}
