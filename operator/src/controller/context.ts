import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeClient } from '../k8s/client.ts';
import type { ResourceKind } from '../k8s/kinds.ts';
import type { OperatorDefaults } from '../spec/operator-defaults.ts';

/** Read access to the informer caches: a reconcile reads everything it can from here, never from the API server. */
export interface ObjectCache {
  get<T extends KubernetesObject>(kind: ResourceKind, namespace: string, name: string): T | undefined;
  list<T extends KubernetesObject>(kind: ResourceKind, namespace: string): T[];
}

/** Everything a reconcile uses besides the key. */
export interface ReconcileContext {
  cache: ObjectCache;
  /** Within a pass, bound to the pass's abort signal (see k8s/client.ts withSignal). */
  client: KubeClient;
  defaults: OperatorDefaults;
  log: Logger;
  now: () => Date;
  /** The pass's abort signal: leadership lost or shutdown. */
  signal?: AbortSignal;
  /**
   * Throws when this process may no longer hold its leader lease: the client runs it before every write to the API
   * server (k8s/client.ts withFence), the RDS engine before every change in AWS. Absent without leader election.
   */
  fence?: () => void;
}
