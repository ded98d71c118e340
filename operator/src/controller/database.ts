import type { V1Secret } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { kinds } from '../k8s/kinds.ts';
import { PermanentError } from '../runtime/errors.ts';
import type { ReconcileContext } from './context.ts';
import { postgresConnection, sqliteConnection, type DatabaseConnection } from './database-connection.ts';
import type { ResolvedSpec } from './resolved-spec.ts';

/** The database's state as the PetStore's status and conditions show it (never credentials). */
export interface DatabaseState {
  ready: boolean;
  reason: string;
  message: string;
  endpoint?: string;
  instanceIdentifier?: string;
  /** How long to wait before looking again while the database is not ready. */
  requeueAfterMs?: number;
  /** The database refuses what the spec asks (credentials still flow): shown as Stalled until the spec changes. */
  stalled?: boolean;
}

export interface ResolvedDatabase {
  state: DatabaseState;
  /** Undefined until the database can be connected to. */
  connection?: DatabaseConnection;
}

/** A database engine's provisioning: sqlite and external are built in; rds plugs in here. */
export type DatabaseResolver = (
  petStore: PetStore,
  spec: ResolvedSpec,
  ctx: ReconcileContext,
) => Promise<ResolvedDatabase>;

/**
 * An engine that owns something outside the cluster (rds) and must clean it up before the PetStore goes. The
 * reconciler adds `databaseFinalizer` while such an engine is in use and removes it once `finalize` reports done.
 */
export interface ExternalDatabase {
  resolve: DatabaseResolver;
  /** One step of deletion; done=false means call again after requeueAfterMs (or on error, with backoff). */
  finalize(
    petStore: PetStore,
    spec: ResolvedSpec,
    ctx: ReconcileContext,
  ): Promise<{ done: boolean; state: DatabaseState }>;
}

export const databaseFinalizer = 'petstore.example.com/database';
/** An administrator sets this annotation to "true" to release the finalizer without cleaning up (on purpose). */
export const releaseFinalizerAnnotation = 'petstore.example.com/release-finalizer';

/** Waiting for something a user must create: retried slowly, shown on the object, not a spec error. */
export class DependencyMissingError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'DependencyMissingError';
    this.reason = reason;
  }
}

export const resolveSqlite: DatabaseResolver = () =>
  Promise.resolve({
    state: { ready: true, reason: 'Available', message: 'SQLite file in the pod (development only)' },
    connection: sqliteConnection,
  });

/**
 * Reads the user's Secret for an external PostgreSQL server. This is the one read that bypasses the caches: the
 * operator watches only Secrets it manages, never every Secret of a namespace.
 */
export const resolveExternal: DatabaseResolver = async (petStore, spec, ctx) => {
  const external = spec.database.external;
  if (!external) throw new PermanentError('spec.database.external.secretName is required for engine external');
  const where = `Secret ${petStore.metadata.namespace}/${external.secretName}`;
  const secret = await ctx.client.read<V1Secret>({
    kind: kinds.Secret,
    namespace: petStore.metadata.namespace,
    name: external.secretName,
  });
  if (!secret) throw new DependencyMissingError('SecretNotFound', `${where} does not exist`);
  const encoded = secret.data?.[external.key];
  if (encoded === undefined)
    throw new DependencyMissingError('SecretKeyNotFound', `${where} has no key ${external.key}`);
  let connection: DatabaseConnection;
  try {
    connection = postgresConnection(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (error) {
    throw new DependencyMissingError('InvalidDatabaseURL', `${where} key ${external.key} ${(error as Error).message}`);
  }
  const endpoint = connection.postgres ? `${connection.postgres.host}:${connection.postgres.port}` : undefined;
  return {
    state: {
      ready: true,
      reason: 'Available',
      message: `external PostgreSQL from ${where}`,
      ...(endpoint ? { endpoint } : {}),
    },
    connection,
  };
};
