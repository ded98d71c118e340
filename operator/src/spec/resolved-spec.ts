import type { DatabaseEngine, PetStore, PetStoreSpec } from '../api/v1alpha1/petstore.ts';
import type { OperatorDefaults } from './operator-defaults.ts';
import {
  resolveMonitoring,
  resolveRollout,
  type ResolvedMonitoring,
  type ResolvedRollout,
} from './resolved-monitoring.ts';

type Quantities = Record<string, string>;

/** A PetStore's spec with every default filled in: what the builders work from. */
export interface ResolvedSpec {
  image: string;
  environment: 'development' | 'staging' | 'production';
  logLevel: string;
  paginationLimit: number;
  corsOrigins: string[];
  /** Pods when autoscaling is off (the spec's, else 2; 1 on SQLite). */
  replicas: number;
  /** Whether spec.replicas says how many: when it does not, a running Deployment keeps the count it has. */
  replicasSpecified: boolean;
  autoscaling?: {
    minReplicas: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage: number;
    scaleDownStabilizationWindowSeconds: number;
  };
  resources: { requests: Quantities; limits: Quantities };
  database: {
    engine: DatabaseEngine;
    external?: { secretName: string; key: string };
    rds: NonNullable<NonNullable<PetStoreSpec['database']>['rds']> & {
      instanceClass: string;
      allocatedStorage: number;
      backupRetentionDays: number;
      deletionPolicy: 'Snapshot' | 'Delete' | 'Retain';
      multiAZ: boolean;
      adopt: boolean;
    };
  };
  ingress?: { host: string; className: string; scheme: string; path: string; certificateArn?: string };
  networkPolicy: { enabled: boolean; allowedCIDRs: string[]; databaseCIDRs: string[]; metricsNamespaces: string[] };
  /** The API's per-client rate limit, and the proxies whose X-Forwarded-For it believes. */
  rateLimit: { requests: number; windowSeconds: number; trustedProxyCIDRs: string[] };
  quotaEnabled: boolean;
  serviceAccountAnnotations: Record<string, string>;
  tags: { owner: string; costCenter: string };
  monitoring: ResolvedMonitoring;
  rollout: ResolvedRollout;
}

export const defaultResources = {
  requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
  limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
} as const;

/** Fills in what the schema's defaults and the operator's configuration say for everything the spec leaves unset. */
export function resolveSpec(petStore: PetStore, defaults: OperatorDefaults): ResolvedSpec {
  const spec = petStore.spec;
  const engine = spec.database?.engine ?? 'sqlite';
  const environment = spec.config?.environment ?? 'development';
  const rds = spec.database?.rds ?? {};
  const external = spec.database?.external;
  const autoscaling = spec.autoscaling;
  const ingress = spec.ingress;
  return {
    image: spec.image ?? defaults.apiImage,
    environment,
    logLevel: normalLogLevel(spec.config?.logLevel ?? 'info'),
    paginationLimit: spec.config?.paginationLimit ?? 20,
    corsOrigins: spec.config?.corsOrigins ?? [],
    replicas: engine === 'sqlite' ? 1 : (spec.replicas ?? 2),
    replicasSpecified: engine === 'sqlite' || spec.replicas !== undefined,
    ...(autoscaling && engine !== 'sqlite'
      ? {
          autoscaling: {
            minReplicas: autoscaling.minReplicas ?? 2,
            maxReplicas: autoscaling.maxReplicas ?? 10,
            targetCPUUtilizationPercentage: autoscaling.targetCPUUtilizationPercentage ?? 70,
            scaleDownStabilizationWindowSeconds: autoscaling.scaleDownStabilizationWindowSeconds ?? 300,
          },
        }
      : {}),
    resources: {
      requests: { ...defaultResources.requests, ...quantities(spec.resources?.requests) },
      limits: { ...defaultResources.limits, ...quantities(spec.resources?.limits) },
    },
    database: {
      engine,
      ...(external ? { external: { secretName: external.secretName, key: external.key ?? 'DATABASE_URL' } } : {}),
      rds: {
        ...rds,
        instanceClass: rds.instanceClass ?? 'db.t4g.micro',
        allocatedStorage: rds.allocatedStorage ?? 20,
        backupRetentionDays: rds.backupRetentionDays ?? 7,
        deletionPolicy: rds.deletionPolicy ?? 'Snapshot',
        multiAZ: rds.multiAZ ?? environment === 'production',
        adopt: rds.adopt ?? false,
      },
    },
    ...(ingress
      ? {
          ingress: {
            host: ingress.host,
            className: ingress.className ?? defaults.ingressClassName,
            scheme: ingress.scheme ?? 'internet-facing',
            path: ingress.path ?? '/api/v1',
            ...(ingress.tls ? { certificateArn: ingress.tls.certificateArn } : {}),
          },
        }
      : {}),
    networkPolicy: {
      enabled: spec.networkPolicy?.enabled ?? true,
      allowedCIDRs: nonEmpty(spec.networkPolicy?.allowedCIDRs) ?? defaults.allowedCIDRs,
      databaseCIDRs: nonEmpty(spec.networkPolicy?.databaseCIDRs) ?? defaults.databaseCIDRs,
      metricsNamespaces: defaults.metricsNamespaces,
    },
    rateLimit: {
      requests: spec.rateLimit?.requests ?? 600,
      windowSeconds: spec.rateLimit?.windowSeconds ?? 60,
      // Behind an Ingress the pods see the load balancer's address: believe its X-Forwarded-For, from the networks
      // allowed to reach the pods (its subnets); without one, nobody's.
      trustedProxyCIDRs:
        spec.rateLimit?.trustedProxyCIDRs ??
        (ingress ? (nonEmpty(spec.networkPolicy?.allowedCIDRs) ?? defaults.allowedCIDRs) : []),
    },
    quotaEnabled: spec.quota?.enabled ?? true,
    serviceAccountAnnotations: stringsOnly(spec.serviceAccount?.annotations),
    tags: { owner: spec.tags?.owner ?? defaults.owner, costCenter: spec.tags?.costCenter ?? defaults.costCenter },
    monitoring: resolveMonitoring(spec, defaults.runbookUrl, defaults.monitoringServed ?? false),
    rollout: resolveRollout(spec),
  };
}

/** The most pods this PetStore can run at once outside a rollout. */
export function maxReplicas(spec: ResolvedSpec): number {
  return spec.autoscaling ? spec.autoscaling.maxReplicas : spec.replicas;
}

function quantities(values: Record<string, number | string | undefined> | undefined): Quantities {
  const out: Quantities = {};
  for (const [name, value] of Object.entries(values ?? {})) if (value !== undefined) out[name] = String(value);
  return out;
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function stringsOnly(values: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

/** The API's lower-case level for a CRD spelling: INFO is info, and Python's WARNING and CRITICAL are warn and fatal. */
export function normalLogLevel(level: string): string {
  const lower = level.toLowerCase();
  return ({ warning: 'warn', critical: 'fatal' } as Record<string, string>)[lower] ?? lower;
}
