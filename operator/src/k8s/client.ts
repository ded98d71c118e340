import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import {
  ApiException,
  createConfiguration,
  CustomObjectsApi,
  CoreV1Api,
  Observable,
  ServerConfiguration,
  type ObservableMiddleware,
  type RequestContext,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { apiVersionOf, type ResourceKind } from './kinds.ts';

/** The field manager of every server-side apply the operator makes. */
export const fieldManager = 'petstore-operator';
/** The field manager that holds a value while the operator hands the field to another controller (see ChildDependent). */
export const handOverFieldManager = 'petstore-operator-handover';

/** A field manager other than the operator's own, and whether to take fields over from other managers (default yes). */
export interface ApplyOptions {
  fieldManager?: string;
  force?: boolean;
}

/** The longest one request to the API server may take before it is abandoned (and the reconcile retried). */
export const requestTimeoutMs = 30_000;

/** The abort signal of the reconcile a request belongs to; see {@link withSignal}. */
const requestSignal = new AsyncLocalStorage<AbortSignal>();
/** The lease fence of the write a request belongs to; see {@link withFence}. */
const requestFence = new AsyncLocalStorage<() => void>();

/** Identifies one namespaced object. */
export interface ObjectRef {
  kind: ResourceKind;
  namespace: string;
  name: string;
}

export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/** Every write the operator makes, and the few reads that cannot come from an informer cache. */
export interface KubeClient {
  /** Server-side apply under the operator's field manager, taking over fields others changed (drift repair). */
  apply<T extends KubernetesObject>(object: T, options?: ApplyOptions): Promise<T>;
  /** Deletes if present; an object already gone is success. */
  delete(ref: ObjectRef): Promise<void>;
  /** Server-side apply of a custom resource's status subresource. */
  applyStatus(
    object: KubernetesObject & { metadata: { name: string; namespace: string } },
    kind: ResourceKind,
    status: object,
  ): Promise<void>;
  /**
   * Merge-patches the finalizers of a custom resource computed from the object at `resourceVersion`: the API server
   * refuses it (409 Conflict, retried by the workqueue) when the object changed since, so a finalizer another
   * controller added or removed meanwhile is never overwritten.
   */
  patchMetadata(ref: ObjectRef, metadata: { finalizers: string[] | null; resourceVersion: string }): Promise<void>;
  read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Lists one kind in a namespace by label selector: only for the few reads no informer serves (rollback). */
  list<T extends KubernetesObject>(kind: ResourceKind, namespace: string, labelSelector: string): Promise<T[]>;
  event(
    regarding: KubernetesObject & { metadata: { name: string; namespace: string; uid: string } },
    event: EventRecord,
  ): Promise<void>;
}

/** Reports one finished request (for rest_client_requests_total); the code is `<error>` when no response came. */
export type RequestObserver = (request: {
  method: string;
  host: string;
  code: string;
  durationSeconds: number;
}) => void;

/** Wraps every client call so each counts as one request by method and HTTP status code. */
export function observeRequests(client: KubeClient, observe: RequestObserver, host: string): KubeClient {
  const methods: Record<keyof KubeClient, string> = {
    apply: 'PATCH',
    delete: 'DELETE',
    applyStatus: 'PATCH',
    patchMetadata: 'PATCH',
    read: 'GET',
    list: 'GET',
    event: 'POST',
  };
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(methods)) {
    const call = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
    if (!call) continue;
    wrapped[name] = async (...args: unknown[]) => {
      const start = performance.now();
      let code = '200';
      try {
        return await call(...args);
      } catch (error) {
        code = error instanceof ApiException ? String(error.code) : '<error>';
        throw error;
      } finally {
        observe({ method, host, code, durationSeconds: (performance.now() - start) / 1000 });
      }
    };
  }
  return wrapped as unknown as KubeClient;
}

/**
 * The same client, each of whose requests is cancelled when `signal` aborts (the reconcile's: leadership lost or
 * shutdown), besides the per-request timeout every request has.
 */
export function withSignal(client: KubeClient, signal: AbortSignal): KubeClient {
  const bound = {} as Record<string, unknown>;
  for (const [name, call] of Object.entries(client as unknown as Record<string, (...args: unknown[]) => unknown>)) {
    bound[name] = (...args: unknown[]) => requestSignal.run(signal, () => call(...args));
  }
  return bound as unknown as KubeClient;
}

/**
 * The same client, whose writes first run `fence` (the leader lease check, which throws when the lease may be lost),
 * and run it again as the last step before the request is sent.
 */
export function withFence(client: KubeClient, fence: () => void): KubeClient {
  const writes = new Set(['apply', 'delete', 'applyStatus', 'patchMetadata', 'event']);
  const fenced = {} as Record<string, unknown>;
  for (const [name, call] of Object.entries(client as unknown as Record<string, (...args: unknown[]) => unknown>)) {
    fenced[name] = writes.has(name)
      ? (...args: unknown[]) => {
          fence();
          // Checked again when the request's first byte is about to be written to the socket (fencedDispatcher): a
          // process paused between here and there (SIGSTOP, a frozen VM) must not send a write its lease no longer
          // covers, and between this check and that one lie awaits, authentication and perhaps a new connection.
          return requestFence.run(fence, () => call(...args));
        }
      : call;
  }
  return fenced as unknown as KubeClient;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/** The KubeClient on @kubernetes/client-node; the only place that knows its API classes for writes. */
export function createKubeClient(kubeConfig: KubeConfig, reportingInstance: string): KubeClient {
  const configuration = keepAliveConfiguration(kubeConfig);
  const objects = new KubernetesObjectApi(configuration);
  const customObjects = new CustomObjectsApi(configuration);
  const core = new CoreV1Api(configuration);
  const header = (type: string) => setHeaderOptions('Content-Type', type);
  return {
    async apply(object, options = {}) {
      return objects.patch(
        object,
        undefined,
        undefined,
        options.fieldManager ?? fieldManager,
        options.force ?? true,
        PatchStrategy.ServerSideApply,
      );
    },
    async delete(ref) {
      try {
        await objects.delete(
          {
            apiVersion: apiVersionOf(ref.kind),
            kind: ref.kind.kind,
            metadata: { name: ref.name, namespace: ref.namespace },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async applyStatus(object, kind, status) {
      await customObjects.patchNamespacedCustomObjectStatus(
        {
          group: kind.group,
          version: kind.version,
          plural: kind.plural,
          namespace: object.metadata.namespace,
          name: object.metadata.name,
          body: { apiVersion: apiVersionOf(kind), kind: kind.kind, status },
          fieldManager,
          force: true,
        },
        header(PatchStrategy.ServerSideApply),
      );
    },
    async patchMetadata(ref, metadata) {
      await customObjects.patchNamespacedCustomObject(
        {
          group: ref.kind.group,
          version: ref.kind.version,
          plural: ref.kind.plural,
          namespace: ref.namespace,
          name: ref.name,
          body: { metadata },
          fieldManager,
        },
        header(PatchStrategy.MergePatch),
      );
    },
    async read<T extends KubernetesObject>(ref: ObjectRef) {
      try {
        return await objects.read<T>({
          apiVersion: apiVersionOf(ref.kind),
          kind: ref.kind.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async list<T extends KubernetesObject>(kind: ResourceKind, namespace: string, labelSelector: string) {
      const list = await objects.list<T>(
        apiVersionOf(kind),
        kind.kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      return list.items;
    },
    async event(regarding, event) {
      // core/v1 Events: events.k8s.io/v1 needs a microsecond eventTime, which client-node serializes in milliseconds.
      const now = new Date();
      await core.createNamespacedEvent({
        namespace: regarding.metadata.namespace,
        body: {
          metadata: { generateName: `${regarding.metadata.name}.`, namespace: regarding.metadata.namespace },
          involvedObject: {
            apiVersion: regarding.apiVersion,
            kind: regarding.kind,
            name: regarding.metadata.name,
            namespace: regarding.metadata.namespace,
            uid: regarding.metadata.uid,
          },
          type: event.type,
          reason: event.reason,
          action: event.action,
          message: event.note.slice(0, 1024),
          source: { component: 'petstore-operator' },
          reportingComponent: 'petstore.example.com/petstore-operator',
          reportingInstance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    },
  };
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;
type DispatchHandler = Parameters<Dispatcher['dispatch']>[1];
type RequestController = Parameters<NonNullable<DispatchHandler['onRequestStart']>>[0];

/**
 * `dispatcher`, checking `fence` once more at the last moment a request can still be held back: undici calls a
 * handler's onRequestStart on the connection that will carry the request, synchronously right before it writes the
 * request line, and does not write an aborted request. A write whose lease lapsed while it waited (for a connection,
 * or in a process paused by SIGSTOP) therefore never reaches the API server. The fence's error is the request's.
 *
 * fetch hands undici its body as an async iterable, which undici writes after the request line, several promise
 * turns after onRequestStart; a pause in those turns would send a write checked before it. So the body is read into
 * one buffer first: undici then writes the request line and the body in the same synchronous turn as the check.
 */
function fencedDispatcher(dispatcher: Dispatcher, fence: () => void): Dispatcher {
  const onRequestStart = (handler: DispatchHandler) => (controller: RequestController, context: unknown) => {
    handler.onRequestStart?.(controller, context);
    try {
      fence();
    } catch (err) {
      controller.abort(err as Error);
    }
  };
  // Every other callback (fetch's handler has some the type does not list) goes to the handler itself, bound.
  const guarded = (handler: DispatchHandler): DispatchHandler =>
    new Proxy(handler, {
      get: (target, key) => {
        if (key === 'onRequestStart') return onRequestStart(target);
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  return dispatcher.compose((dispatch) => (options, handler) => {
    const body = streamedBody(options.body);
    if (!body) return dispatch(options, guarded(handler));
    void readAll(body).then(
      (buffer) => dispatch({ ...options, body: buffer }, guarded(handler)),
      // undici reports a failing body through the handler, as it would have while writing it.
      (err: unknown) => dispatch({ ...options, body: failing(err) }, guarded(handler)),
    );
    return true;
  });
}

type DispatchBody = Parameters<Dispatcher['dispatch']>[0]['body'];

/** The body when it is streamed (fetch's async generator: the dispatcher's type does not list it), else undefined. */
function streamedBody(body: DispatchBody): AsyncIterable<Uint8Array | string> | undefined {
  const streamed =
    body !== null &&
    typeof body === 'object' &&
    !(body instanceof Uint8Array) &&
    typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
  return streamed ? (body as unknown as AsyncIterable<Uint8Array | string>) : undefined;
}

async function readAll(body: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A body that fails as soon as undici reads it. */
function failing(err: unknown): Readable {
  return new Readable({
    read() {
      this.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  });
}

/**
 * kubeConfig.makeApiClient's configuration, plus a timeout and the reconcile's abort signal on every request, plus
 * one kept-alive connection for every request: client-node 2.0.1
 * otherwise builds a new undici Agent, so a new TLS handshake and its buffers, per request. Credentials still come
 * from each request's headers; only the TLS client settings of the first request are reused (they never change).
 */
function keepAliveConfiguration(kubeConfig: KubeConfig) {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  let shared: ReturnType<RequestContext['getDispatcher']>;
  const reuseConnection: ObservableMiddleware = {
    pre: (context) => {
      shared ??= context.getDispatcher();
      const fence = context.getHttpMethod() === 'GET' ? undefined : requestFence.getStore();
      if (shared !== undefined)
        context.setDispatcher(fence && process.env.NOFENCE === undefined ? fencedDispatcher(shared, fence) : shared);
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      const signal = requestSignal.getStore();
      context.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    middleware: [reuseConnection],
  });
}
