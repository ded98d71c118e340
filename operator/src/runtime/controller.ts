import { randomUUID } from 'node:crypto';
import { isPermanentError } from './errors.ts';
import type { Informer, InformerEvent } from './informer.ts';
import type { Logger } from './logger.ts';
import type { RuntimeMetrics, ReconcileResultLabel } from './metrics.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { groupOf, keyOf, objectKeyOf, parseKey, type KubeObject, type ObjectKey } from './types.ts';
import { Priority, WorkQueue } from './workqueue.ts';

/** What a reconcile may ask for besides "done": a fixed-delay requeue, or a requeue with the per-key backoff. */
export interface ReconcileResult {
  /** Reconcile again after this long (e.g. poll an RDS instance that is still creating); resets the backoff. */
  readonly requeueAfterMs?: number;
  /** Reconcile again after the per-key exponential backoff, without counting an error. */
  readonly requeue?: boolean;
}

export interface ReconcileContext {
  /** Aborted when the controller must stop at once (leadership lost, shutdown bound reached): pass it to requests. */
  readonly signal: AbortSignal;
  /** A child logger carrying the controller name and the object's namespace/name. */
  readonly log: Logger;
  /** Consecutive failed attempts for this key before this one (0 on a fresh key). */
  readonly retries: number;
  /**
   * Throws LeaderElectionLostError when this process may no longer hold its leader lease (see
   * LeaderElector.holdsLease); a no-op without leader election. Call it right before every write.
   */
  readonly fence: () => void;
}

/**
 * Brings the world in line with the object named by `request` (level-based: it is told only which object, never
 * what changed). Throw to retry with backoff; throw a PermanentError to stop retrying until the object changes.
 */
export type Reconciler = (request: ObjectKey, context: ReconcileContext) => Promise<ReconcileResult | undefined>;

/** An extra source of reconcile requests: objects of another kind mapped to the primaries they affect. */
export interface WatchRegistration {
  readonly informer: Informer<KubeObject>;
  readonly map: (object: KubeObject) => readonly ObjectKey[];
}

export interface ControllerOptions<P extends KubeObject> {
  /** The `controller` label of every metric and the `name` of its workqueue, e.g. `petstore`. */
  readonly name: string;
  /** Changes to these objects reconcile the object itself. */
  readonly primary: Informer<P>;
  /** Changes to these objects reconcile their controller owner when it is of the primary kind. */
  readonly owns?: readonly Informer<KubeObject>[];
  readonly watches?: readonly WatchRegistration[];
  readonly reconcile: Reconciler;
  readonly concurrency?: number;
  /** Every primary is queued again this often (±10 %) at low priority. Default 10 h. */
  readonly resyncPeriodMs?: number;
  readonly rateLimiter?: RateLimiter;
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  /** The manager's lease fence (ReconcileContext.fence); default: none. */
  readonly fence?: () => void;
}

/**
 * Runs a reconcile function over a priority workqueue fed by informers: at most one reconcile per key at a time,
 * `concurrency` keys in parallel, failures retried with per-key exponential backoff (5 ms → 1000 s).
 */
export class Controller<P extends KubeObject> {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #options: ControllerOptions<P>;
  readonly #concurrency: number;
  readonly #resyncPeriodMs: number;
  readonly #log: Logger;
  readonly #unsubscribe: (() => void)[] = [];
  #abort = new AbortController();
  #workers: Promise<void>[] = [];
  #resyncTimer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: ControllerOptions<P>) {
    this.name = options.name;
    this.#options = options;
    this.#concurrency = options.concurrency ?? 2;
    this.#resyncPeriodMs = options.resyncPeriodMs ?? 10 * 3_600_000;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      throw new RangeError(`controller ${options.name}: concurrency must be a positive integer`);
    }
    this.#log = options.log.child({ controller: options.name });
    this.queue = new WorkQueue({
      ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
      observer: options.metrics.workqueueObserver(options.name),
    });
    options.metrics.registerQueue(options.name, this.queue);
    options.metrics.initController(options.name, this.#concurrency);
  }

  /**
   * Subscribes to the informers, queues every cached primary at low priority (the caches must be synced) and starts
   * the workers and the resync timer. A controller starts once; build a new one to start again.
   */
  start(): void {
    if (this.#started) throw new Error(`controller ${this.name} was already started`);
    this.#started = true;
    const { primary, owns = [], watches = [] } = this.#options;
    this.#unsubscribe.push(primary.addEventHandler((event) => this.#enqueue([objectKeyOf(event.object)], event)));
    for (const informer of owns) {
      this.#unsubscribe.push(
        informer.addEventHandler((event) => {
          const owners = [event.object, event.oldObject].flatMap((obj) =>
            obj === undefined ? [] : this.#ownerOf(obj),
          );
          this.#enqueue(owners, event);
        }),
      );
    }
    for (const watch of watches) {
      this.#unsubscribe.push(
        watch.informer.addEventHandler((event) => {
          const keys = [event.object, event.oldObject].flatMap((obj) => (obj === undefined ? [] : watch.map(obj)));
          this.#enqueue(keys, event);
        }),
      );
    }
    this.#queueAllPrimaries();
    this.#scheduleResync();
    for (let i = 0; i < this.#concurrency; i++) this.#workers.push(this.#worker());
    this.#log.info({ concurrency: this.#concurrency, queued: this.queue.length }, 'controller started');
  }

  /** Queues a key now (for triggers outside the informers). */
  enqueue(request: ObjectKey, priority: number = Priority.Normal): void {
    this.queue.add(keyOf(request), priority);
  }

  /**
   * Stops taking keys and waits up to `drainTimeoutMs` for in-flight reconciles; then aborts their signal.
   * Resolves true if they all finished in time.
   */
  async stop(drainTimeoutMs: number): Promise<boolean> {
    this.#detach();
    const drained = await this.queue.shutdown(drainTimeoutMs);
    if (!drained) {
      this.#log.warn(
        { inFlight: this.queue.processingLength },
        'reconciles still running at the shutdown bound; aborting them',
      );
    }
    this.#abort.abort();
    await Promise.all(this.#workers);
    return drained;
  }

  /** Stops at once: in-flight reconciles see their signal aborted and no new reconcile starts (lease lost). */
  abort(): void {
    this.#detach();
    this.#abort.abort();
    void this.queue.shutdown(0);
  }

  #detach(): void {
    clearTimeout(this.#resyncTimer);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  #enqueue(keys: readonly ObjectKey[], event: InformerEvent<KubeObject>): void {
    // Objects found by the first list and periodic resyncs are not news: let real changes go first.
    const priority = event.initial ? Priority.Low : Priority.Normal;
    for (const key of keys) this.queue.add(keyOf(key), priority);
  }

  #ownerOf(obj: KubeObject): ObjectKey[] {
    const { kind, group } = this.#options.primary.spec;
    const owner = obj.metadata?.ownerReferences?.find(
      (ref) => ref.controller === true && ref.kind === kind && groupOf(ref.apiVersion) === group,
    );
    return owner === undefined ? [] : [{ namespace: obj.metadata?.namespace ?? '', name: owner.name }];
  }

  #queueAllPrimaries(): void {
    for (const obj of this.#options.primary.cache.list()) this.queue.add(keyOf(objectKeyOf(obj)), Priority.Low);
  }

  #scheduleResync(): void {
    const delayMs = this.#resyncPeriodMs * (0.9 + 0.2 * Math.random());
    this.#resyncTimer = setTimeout(() => {
      this.#log.debug('periodic resync');
      this.#queueAllPrimaries();
      this.#scheduleResync();
    }, delayMs);
    this.#resyncTimer.unref();
  }

  async #worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcile(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #reconcile(key: string): Promise<void> {
    const { metrics, reconcile } = this.#options;
    const request = parseKey(key);
    const retries = this.queue.numRequeues(key);
    const log = this.#log.child({ namespace: request.namespace, name: request.name, reconcileID: randomUUID() });
    const started = performance.now();
    let result: ReconcileResultLabel;
    metrics.activeWorkers.inc({ controller: this.name });
    try {
      const outcome = await reconcile(request, {
        signal: this.#abort.signal,
        log,
        retries,
        fence: this.#options.fence ?? noFence,
      });
      if (outcome?.requeueAfterMs !== undefined && outcome.requeueAfterMs > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, outcome.requeueAfterMs);
        result = 'requeue_after';
      } else if (outcome?.requeue === true) {
        this.queue.addRateLimited(key);
        result = 'requeue';
      } else {
        this.queue.forget(key);
        result = 'success';
      }
      log.debug({ result, seconds: (performance.now() - started) / 1000 }, 'reconciled');
    } catch (err) {
      result = 'error';
      metrics.reconcileErrors.inc({ controller: this.name });
      if (isPermanentError(err)) {
        metrics.terminalReconcileErrors.inc({ controller: this.name });
        this.queue.forget(key);
        log.error({ err }, 'reconcile failed permanently; waiting for the object to change');
      } else if (this.#abort.signal.aborted) {
        log.warn({ err }, 'reconcile aborted');
      } else {
        const delayMs = this.queue.addRateLimited(key);
        log.error({ err, retries: retries + 1, retryInMs: delayMs }, 'reconcile failed; retrying');
      }
    } finally {
      metrics.activeWorkers.dec({ controller: this.name });
    }
    metrics.reconcileTotal.inc({ controller: this.name, result });
    metrics.reconcileTime.observe({ controller: this.name }, (performance.now() - started) / 1000);
  }
}

function noFence(): void {
  // without leader election every write is this process's to make
}
