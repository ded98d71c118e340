import type { ListerWatcher } from './list-watch.ts';
import type { Logger } from './logger.ts';
import { Reflector, type ReflectorStatus, type WatchRestartReason } from './reflector.ts';
import { Store, type Cache, type StoreChange } from './store.ts';
import { resourceName, type KubeObject, type WatchSpec } from './types.ts';

/** A change to a cached object; `initial` marks objects found by the first list after start (not real changes). */
export interface InformerEvent<T extends KubeObject> extends StoreChange<T> {
  readonly initial: boolean;
}

export type InformerEventHandler<T extends KubeObject> = (event: InformerEvent<T>) => void;

export interface InformerOptions<T extends KubeObject> {
  readonly spec: WatchSpec;
  /** Namespaces to watch, one watch each; empty watches the whole cluster with one watch. */
  readonly namespaces: readonly string[];
  readonly createListerWatcher: (namespace: string | undefined) => ListerWatcher<T>;
  readonly log: Logger;
  readonly idleTimeoutMs?: number;
  /** Server-side watch timeout in seconds; default a random 50–90 % of the idle bound. */
  readonly watchTimeoutSeconds?: () => number;
  readonly onWatchRestart?: (reason: WatchRestartReason) => void;
}

/** How long a reflector may be disconnected (reconnecting with backoff) before its informer counts as unhealthy. */
const RECONNECT_GRACE_MS = 60_000;

/** Health of one watch, as /readyz reports it. */
export interface WatchHealth extends ReflectorStatus {
  /** Synced, and its watch is open or was open less than a minute ago. */
  readonly healthy: boolean;
  /** Its loop made progress recently (every step is bounded, so a stall means a bug): /healthz. */
  readonly live: boolean;
}

/**
 * The shared informer of one kind: a store filled and kept current by one reflector per watched namespace (or one for
 * the cluster), plus event handlers that see every change. Run one per kind and share it between controllers.
 */
export class Informer<T extends KubeObject> {
  readonly spec: WatchSpec;
  readonly #store: Store<T>;
  readonly #reflectors: Reflector<T>[];
  readonly #handlers = new Set<InformerEventHandler<T>>();
  readonly #idleTimeoutMs: number;
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(options: InformerOptions<T>) {
    this.spec = options.spec;
    this.#store = new Store<T>({
      ...(options.spec.transform ? { transform: options.spec.transform } : {}),
      ...(options.spec.representation ? { representation: options.spec.representation } : {}),
    });
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    const scopes = options.spec.namespaced && options.namespaces.length > 0 ? options.namespaces : [undefined];
    const log = options.log.child({ informer: resourceName(options.spec) });
    this.#reflectors = scopes.map(
      (namespace) =>
        new Reflector<T>({
          listerWatcher: options.createListerWatcher(namespace),
          store: this.#store,
          namespace,
          onChange: (change, initial) => {
            for (const handler of this.#handlers) handler({ ...change, initial });
          },
          log,
          idleTimeoutMs: this.#idleTimeoutMs,
          ...(options.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
          ...(options.onWatchRestart === undefined ? {} : { onRestart: options.onWatchRestart }),
        }),
    );
  }

  /** The read-only cache reconciles use. */
  get cache(): Cache<T> {
    return this.#store;
  }

  /** Subscribes to changes; returns the unsubscribe function. Handlers must be fast and must not throw. */
  addEventHandler(handler: InformerEventHandler<T>): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Starts every reflector (idempotent). */
  start(): void {
    if (this.#abort !== undefined) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#running = Promise.all(this.#reflectors.map((reflector) => reflector.run(abort.signal))).then(() => undefined);
  }

  /** Closes every watch and waits for the reflectors to return. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#running;
  }

  /** True once every reflector has completed its first list. */
  get synced(): boolean {
    return this.#reflectors.every((reflector) => reflector.status().synced);
  }

  /**
   * Resolves once synced; rejects after `timeoutMs` (or when `signal` aborts) naming the watches that have not
   * listed yet and their last error (a missing CRD shows up here as a 404).
   */
  async waitForSync(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.synced) {
      if (signal?.aborted === true) throw new Error(`stopped while waiting for ${resourceName(this.spec)} to sync`);
      if (performance.now() >= deadline) {
        const pending = this.watchHealth()
          .filter((watch) => !watch.synced)
          .map((watch) => `${watch.description}: ${watch.lastError ?? 'no response yet'}`);
        throw new Error(
          `timed out after ${Math.round(timeoutMs / 1000)}s waiting for caches to sync: ${pending.join('; ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Per-watch state for probes and metrics. */
  watchHealth(): WatchHealth[] {
    const now = performance.now();
    const liveBoundMs = this.#idleTimeoutMs + 180_000;
    return this.#reflectors.map((reflector) => {
      const status = reflector.status();
      const connected = status.watching || now - status.disconnectedAt < RECONNECT_GRACE_MS;
      return { ...status, healthy: status.synced && connected, live: now - status.lastActivityAt < liveBoundMs };
    });
  }
}
