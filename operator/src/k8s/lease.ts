import {
  ApiException,
  CoordinationV1Api,
  Observable,
  V1Lease,
  V1LeaseSpec,
  V1MicroTime,
  V1ObjectMeta,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
} from '@kubernetes/client-node';
import type { LeaseLock, LeaseRecord, ObservedLease } from '../runtime/leader-election.ts';
import type { ClientRequestObserver } from './watch.ts';

/**
 * The leader-election lock on a coordination.k8s.io/v1 Lease: read it, create it, or replace it with optimistic
 * concurrency (the resourceVersion), each request bounded by the caller's signal.
 */
export function createLeaseLock(
  kc: KubeConfig,
  namespace: string,
  name: string,
  observeRequest?: ClientRequestObserver,
): LeaseLock {
  const api = kc.makeApiClient(CoordinationV1Api);
  const host = new URL(kc.getCurrentCluster()?.server ?? 'https://unknown').host;
  const connection = reuseConnection();

  async function call<T>(method: string, signal: AbortSignal, send: (options: object) => Promise<T>): Promise<T> {
    const started = performance.now();
    let code = '<error>';
    try {
      const result = await send({ middleware: [abortWith(signal), connection], middlewareMergeStrategy: 'append' });
      code = method === 'POST' ? '201' : '200';
      return result;
    } catch (err) {
      if (err instanceof ApiException) code = String(err.code);
      throw err;
    } finally {
      observeRequest?.({ method, host, code, durationSeconds: (performance.now() - started) / 1000 });
    }
  }

  return {
    description: `${namespace}/${name}`,

    async get(signal): Promise<ObservedLease | undefined> {
      try {
        const lease = await call('GET', signal, (options) => api.readNamespacedLease({ name, namespace }, options));
        return { record: recordOf(lease), resourceVersion: lease.metadata?.resourceVersion ?? '' };
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    },

    async create(record, signal): Promise<string | undefined> {
      try {
        const lease = await call('POST', signal, (options) =>
          api.createNamespacedLease({ namespace, body: leaseOf(namespace, name, record, undefined) }, options),
        );
        return lease.metadata?.resourceVersion;
      } catch (err) {
        if (err instanceof ApiException && err.code === 409) return undefined;
        throw err;
      }
    },

    async update(record, resourceVersion, signal): Promise<string | undefined> {
      try {
        const lease = await call('PUT', signal, (options) =>
          api.replaceNamespacedLease(
            { name, namespace, body: leaseOf(namespace, name, record, resourceVersion) },
            options,
          ),
        );
        return lease.metadata?.resourceVersion;
      } catch (err) {
        if (err instanceof ApiException && err.code === 409) return undefined;
        throw err;
      }
    },
  };
}

function abortWith(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

/**
 * client-node 2.0.1 builds a new undici Agent, so a new TLS connection, for every request; renewing every 2 s on
 * one kept-alive connection spares the API server 30 handshakes a minute. Credentials still come from each request's
 * headers; only the TLS client settings of the first request are reused.
 */
function reuseConnection(): ObservableMiddleware {
  let shared: ReturnType<RequestContext['getDispatcher']>;
  return {
    pre: (context) => {
      shared ??= context.getDispatcher();
      if (shared !== undefined) context.setDispatcher(shared);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

function leaseOf(namespace: string, name: string, record: LeaseRecord, resourceVersion: string | undefined): V1Lease {
  const metadata = new V1ObjectMeta();
  metadata.name = name;
  metadata.namespace = namespace;
  if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
  const spec = new V1LeaseSpec();
  spec.holderIdentity = record.holderIdentity;
  spec.leaseDurationSeconds = record.leaseDurationSeconds;
  // MicroTime serializes with the six fractional digits the API server's MicroTime expects.
  spec.acquireTime = new V1MicroTime(record.acquireTime.getTime());
  spec.renewTime = new V1MicroTime(record.renewTime.getTime());
  spec.leaseTransitions = record.leaseTransitions;
  const lease = new V1Lease();
  lease.apiVersion = 'coordination.k8s.io/v1';
  lease.kind = 'Lease';
  lease.metadata = metadata;
  lease.spec = spec;
  return lease;
}

function recordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec;
  // The generated client leaves MicroTime fields as the JSON strings the server sent, whatever the types say.
  const time = (value: unknown): Date =>
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(0);
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: time(spec?.acquireTime),
    renewTime: time(spec?.renewTime),
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}
