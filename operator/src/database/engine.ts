import type { Logger } from 'pino';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { KubeClient } from '../k8s/client.ts';
import type { ResourceKind } from '../k8s/kinds.ts';
import type { DatabaseConnection } from '../spec/database-connection.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';

/** The database's state as the PetStore's status and conditions show it (never credentials). */
export interface DatabaseState {
  ready: boolean;
  reason: string;
  message: string;
  endpoint?: string;
  instanceIdentifier?: string;
  /** What the instance was restored from (spec.database.rds.restoreFrom), as its tag records. */
  restoredFrom?: string;
  /** How long to wait before looking again while the database is not ready. */
  requeueAfterMs?: number;
  /** The database refuses what the spec asks (credentials still flow): shown as Stalled until the spec changes. */
  stalled?: boolean;
}

export interface ResolvedDatabase {
  state: DatabaseState;
  /** Undefined until the database can be connected to: the PetStore's children wait for it. */
  connection?: DatabaseConnection;
}

/** What an engine may use of a reconcile: the clock, a logger, the pass's abort signal and the API client. */
export interface EngineContext {
  log: Logger;
  now: () => Date;
  /** Aborted when the pass must stop at once (leadership lost, shutdown): every request it makes carries it. */
  signal?: AbortSignal;
  /** The leader lease check to run before every change outside the cluster (ReconcileContext.fence). */
  fence?: () => void;
  client: KubeClient;
}

/**
 * One database engine (sqlite, external, rds). `resolve` provisions or finds the database and returns how to reach
 * it. An engine with `finalize` owns something outside the cluster: the reconciler holds `databaseFinalizer` on the
 * PetStore while it is in use and removes it once `finalize` reports done.
 */
export interface DatabaseEngine {
  /** Kinds it reads one object at a time by name, outside the informers (RBAC grants them `get`). */
  readonly reads?: readonly ResourceKind[];
  resolve(petStore: PetStore, spec: ResolvedSpec, ctx: EngineContext): Promise<ResolvedDatabase>;
  /** One step of deletion; done=false means call again after state.requeueAfterMs (or on error, with backoff). */
  finalize?(
    petStore: PetStore,
    spec: ResolvedSpec,
    ctx: EngineContext,
  ): Promise<{ done: boolean; state: DatabaseState }>;
}

export type DatabaseEngines = Partial<Record<ResolvedSpec['database']['engine'], DatabaseEngine>>;

export const databaseFinalizer = 'petstore.example.com/database';
