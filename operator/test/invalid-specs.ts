import type { PetStoreSpec } from '../src/api/v1alpha1/petstore.ts';

/** A spec the API server must refuse, and words its message must contain (the field, and why). */
export interface InvalidSpec {
  name: string;
  spec: Record<string, unknown>;
  message: string[];
}

const rds = { database: { engine: 'rds' } } satisfies PetStoreSpec;

/** Refused at admission (OpenAPI schema and CEL rules in crds/), each naming the field. */
export const invalidSpecs: InvalidSpec[] = [
  {
    name: 'minReplicas above maxReplicas',
    spec: { ...rds, autoscaling: { minReplicas: 5, maxReplicas: 2 } },
    message: ['spec.autoscaling.minReplicas', 'maxReplicas'],
  },
  { name: 'sqlite with three replicas', spec: { replicas: 3 }, message: ['spec.replicas', 'sqlite'] },
  { name: 'sqlite with autoscaling', spec: { autoscaling: {} }, message: ['spec.autoscaling', 'sqlite'] },
  {
    name: 'external without a Secret',
    spec: { database: { engine: 'external' } },
    message: ['spec.database.external', 'secretName'],
  },
  {
    name: 'an unknown database engine',
    spec: { database: { engine: 'mysql' } },
    message: ['spec.database.engine', 'Unsupported value'],
  },
  {
    name: 'a CIDR with host bits',
    spec: { networkPolicy: { allowedCIDRs: ['10.0.0.1/16'] } },
    message: ['spec.networkPolicy.allowedCIDRs[0]', 'CIDR'],
  },
  {
    name: 'a network open to the whole internet',
    spec: { networkPolicy: { allowedCIDRs: ['0.0.0.0/0'] } },
    message: ['spec.networkPolicy.allowedCIDRs[0]', '/16 or narrower'],
  },
  {
    name: 'a network wider than the documented minimum /16',
    spec: { networkPolicy: { allowedCIDRs: ['10.0.101.0/24', '10.0.0.0/8'] } },
    message: ['spec.networkPolicy.allowedCIDRs[1]', '/16 or narrower'],
  },
  {
    name: 'a database range wider than /16',
    spec: { networkPolicy: { databaseCIDRs: ['128.0.0.0/1'] } },
    message: ['spec.networkPolicy.databaseCIDRs[0]', '/16 or narrower'],
  },
  {
    name: 'an IPv6 network wider than /56',
    spec: { networkPolicy: { allowedCIDRs: ['::/0'] } },
    message: ['spec.networkPolicy.allowedCIDRs[0]', '/56 or narrower'],
  },
  {
    name: 'production RDS backups kept fewer than 7 days',
    spec: {
      config: { environment: 'production' },
      database: { engine: 'rds', rds: { backupRetentionDays: 3 } },
    },
    message: ['spec.database.rds.backupRetentionDays', 'at least 7', 'production'],
  },
  {
    name: 'a log level the API does not know',
    spec: { config: { logLevel: 'VERBOSE' } },
    message: ['spec.config.logLevel', 'Unsupported value'],
  },
  {
    name: 'a CIDR that is not one',
    spec: { networkPolicy: { databaseCIDRs: ['banana'] } },
    message: ['spec.networkPolicy.databaseCIDRs[0]', 'CIDR'],
  },
  {
    name: 'an upper-case host',
    spec: { ingress: { host: 'Shop.Example.com' } },
    message: ['spec.ingress.host', 'DNS name'],
  },
  {
    name: 'a host with an underscore',
    spec: { ingress: { host: 'my_shop.example.com' } },
    message: ['spec.ingress.host'],
  },
  {
    name: 'an ingress without a host',
    spec: { ingress: { path: '/api/v1' } },
    message: ['spec.ingress.host', 'Required'],
  },
  {
    name: 'production ingress without TLS',
    spec: { config: { environment: 'production' }, ingress: { host: 'shop.example.com' } },
    message: ['spec.ingress.tls', 'production'],
  },
  {
    name: 'a certificate that is not an ACM ARN',
    spec: { ingress: { host: 'shop.example.com', tls: { certificateArn: 'my-cert' } } },
    message: ['spec.ingress.tls.certificateArn'],
  },
  {
    name: 'negative replicas',
    spec: { ...rds, replicas: -1 },
    message: ['spec.replicas', 'greater than or equal to 0'],
  },
  {
    name: 'a thousand replicas',
    spec: { ...rds, replicas: 1000 },
    message: ['spec.replicas', 'less than or equal to 100'],
  },
  { name: 'replicas as text', spec: { ...rds, replicas: 'two' }, message: ['spec.replicas', 'integer'] },
  {
    name: 'CPU target above 100 %',
    spec: { ...rds, autoscaling: { targetCPUUtilizationPercentage: 150 } },
    message: ['spec.autoscaling.targetCPUUtilizationPercentage'],
  },
  {
    name: 'a memory limit that is not a quantity',
    spec: { resources: { limits: { memory: 'lots' } } },
    message: ['spec.resources.limits.memory'],
  },
  {
    name: 'an unknown environment',
    spec: { config: { environment: 'prod' } },
    message: ['spec.config.environment', 'Unsupported value'],
  },
  { name: 'an unknown log level', spec: { config: { logLevel: 'verbose' } }, message: ['spec.config.logLevel'] },
  { name: 'pagination limit zero', spec: { config: { paginationLimit: 0 } }, message: ['spec.config.paginationLimit'] },
  {
    name: 'a CORS origin with a path',
    spec: { config: { corsOrigins: ['https://shop.example.com/app'] } },
    message: ['spec.config.corsOrigins[0]'],
  },
  {
    name: 'RDS storage below 20 GiB',
    spec: { database: { engine: 'rds', rds: { allocatedStorage: 10 } } },
    message: ['spec.database.rds.allocatedStorage'],
  },
  {
    name: 'a storage ceiling below the storage',
    spec: { database: { engine: 'rds', rds: { allocatedStorage: 50, maxAllocatedStorage: 40 } } },
    message: ['spec.database.rds.maxAllocatedStorage'],
  },
  {
    name: 'an unknown deletion policy',
    spec: { database: { engine: 'rds', rds: { deletionPolicy: 'Orphan' } } },
    message: ['spec.database.rds.deletionPolicy'],
  },
  {
    name: 'an instance class that is not one',
    spec: { database: { engine: 'rds', rds: { instanceClass: 't4g.micro' } } },
    message: ['spec.database.rds.instanceClass'],
  },
  {
    name: 'backups kept 90 days',
    spec: { database: { engine: 'rds', rds: { backupRetentionDays: 90 } } },
    message: ['spec.database.rds.backupRetentionDays'],
  },
  { name: 'an image reference with spaces', spec: { image: 'my image:1.0' }, message: ['spec.image'] },
  {
    name: 'an error-rate threshold of 0 %',
    spec: { monitoring: { alerts: { errorRatePercent: 0 } } },
    message: ['spec.monitoring.alerts.errorRatePercent'],
  },
  {
    name: 'a CPU threshold above 100 %',
    spec: { monitoring: { alerts: { cpuPercent: 101 } } },
    message: ['spec.monitoring.alerts.cpuPercent'],
  },
  {
    name: 'a latency threshold given as a string',
    spec: { monitoring: { alerts: { latencyP95Milliseconds: '500ms' } } },
    message: ['spec.monitoring.alerts.latencyP95Milliseconds'],
  },
  {
    name: 'a restore from both a snapshot and a point in time',
    spec: {
      database: {
        engine: 'rds',
        rds: { restoreFrom: { snapshotIdentifier: 'snap-a', pointInTime: { sourceInstanceIdentifier: 'shop-a' } } },
      },
    },
    message: ['spec.database.rds.restoreFrom', 'exactly one'],
  },
  {
    name: 'a restore into an adopted instance',
    spec: {
      database: { engine: 'rds', rds: { instanceIdentifier: 'shop-a', restoreFrom: { snapshotIdentifier: 'snap-a' } } },
    },
    message: ['spec.database.rds.restoreFrom', 'instanceIdentifier'],
  },
  {
    name: 'a restore time that is not a date-time',
    spec: {
      database: {
        engine: 'rds',
        rds: { restoreFrom: { pointInTime: { sourceInstanceIdentifier: 'shop-a', time: 'yesterday' } } },
      },
    },
    message: ['spec.database.rds.restoreFrom.pointInTime.time'],
  },
  {
    name: 'a rollout timeout that is not a duration',
    spec: { rollout: { timeout: 'five minutes' } },
    message: ['spec.rollout.timeout'],
  },
  {
    name: 'a rollout timeout shorter than 30 s',
    spec: { rollout: { timeout: '10s' } },
    message: ['spec.rollout.timeout', 'between 30s and 24h'],
  },
];

/** Changes refused on an existing PetStore (transition rules), as [starting spec, patch, words]. */
export const invalidUpdates: {
  name: string;
  spec: Record<string, unknown>;
  patch: Record<string, unknown>;
  message: string[];
}[] = [
  {
    name: 'changing the database engine',
    spec: {},
    patch: { database: { engine: 'rds' } },
    message: ['spec.database.engine', 'immutable'],
  },
  {
    name: 'shrinking RDS storage',
    spec: { database: { engine: 'rds', rds: { allocatedStorage: 50 } } },
    patch: { database: { engine: 'rds', rds: { allocatedStorage: 30 } } },
    message: ['spec.database.rds.allocatedStorage', 'cannot shrink'],
  },
  {
    name: 'changing the adopted instance',
    spec: { database: { engine: 'rds', rds: { instanceIdentifier: 'shop-a' } } },
    patch: { database: { engine: 'rds', rds: { instanceIdentifier: 'shop-b' } } },
    message: ['spec.database.rds.instanceIdentifier', 'immutable'],
  },
  {
    name: 'naming an instance after creation (the app would switch to it)',
    spec: { database: { engine: 'rds', rds: {} } },
    patch: { database: { engine: 'rds', rds: { instanceIdentifier: 'someone-elses' } } },
    message: ['spec.database.rds.instanceIdentifier', 'cannot be added or removed'],
  },
  {
    name: 'restoring into an existing PetStore (its database exists)',
    spec: { database: { engine: 'rds', rds: {} } },
    patch: { database: { engine: 'rds', rds: { restoreFrom: { snapshotIdentifier: 'snap-a' } } } },
    message: ['spec.database.rds.restoreFrom', 'only when the PetStore is created'],
  },
  {
    name: 'changing what a PetStore was restored from',
    spec: { database: { engine: 'rds', rds: { restoreFrom: { snapshotIdentifier: 'snap-a' } } } },
    patch: { database: { engine: 'rds', rds: { restoreFrom: { snapshotIdentifier: 'snap-b' } } } },
    message: ['spec.database.rds.restoreFrom', 'never changed'],
  },
  {
    name: 'removing the named instance (the operator would create an empty one)',
    spec: { database: { engine: 'rds', rds: { instanceIdentifier: 'shop-a' } } },
    patch: { database: { engine: 'rds', rds: { instanceIdentifier: null } } },
    message: ['spec.database.rds.instanceIdentifier', 'cannot be added or removed'],
  },
];
