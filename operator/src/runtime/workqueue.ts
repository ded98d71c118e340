import { ItemExponentialFailureRateLimiter, type RateLimiter } from './rate-limiter.ts';

/**
 * Queue priorities, as in controller-runtime's priority queue: watch events of real changes are Normal; the initial
 * list after a start and periodic resyncs are Low, so a user's edit is never stuck behind a thousand resync items.
 */
export const Priority = { Normal: 0, Low: -100 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

/** Receives the queue's activity; metrics.ts turns it into the workqueue_* series. */
export interface WorkqueueObserver {
  onAdd(priority: number): void;
  onDepthChange(priority: number, delta: number): void;
  /** An item left the queue for a worker after waiting this long (from ready to handed out). */
  onGet(queuedSeconds: number): void;
  /** A worker finished an item after working on it this long. */
  onDone(workSeconds: number): void;
  onRetry(): void;
}

export interface WorkQueueOptions {
  readonly rateLimiter?: RateLimiter;
  readonly observer?: WorkqueueObserver;
}

interface Delayed {
  readyAt: number;
  priority: number;
  timer: NodeJS.Timeout;
}

/**
 * A deduplicating, rate-limited, delaying priority work queue of string keys (client-go workqueue semantics):
 * a key is at most once in the queue and at most once in processing; adding a key that is being processed marks it
 * dirty, and done() then queues it exactly once more. Workers call get() → process → done().
 */
export class WorkQueue {
  /** Ready keys per priority; a Set keeps insertion order, so each priority is FIFO. */
  readonly #ready = new Map<number, Set<string>>();
  readonly #readyPriority = new Map<string, number>();
  readonly #readySince = new Map<string, number>();
  readonly #processing = new Map<string, number>();
  /** Keys added while being processed, with the highest priority they were added at. */
  readonly #dirty = new Map<string, number>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #getters: ((key: string | undefined) => void)[] = [];
  readonly #rateLimiter: RateLimiter;
  readonly #observer: WorkqueueObserver | undefined;
  #shuttingDown = false;
  #drained: (() => void) | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.#rateLimiter = options.rateLimiter ?? new ItemExponentialFailureRateLimiter();
    this.#observer = options.observer;
  }

  /** Queues `key` now (cancelling a later delayed add of it); a no-op when already queued, except to raise priority. */
  add(key: string, priority: number = Priority.Normal): void {
    if (this.#shuttingDown) return;
    this.#cancelDelayed(key);
    if (this.#processing.has(key)) {
      const dirty = this.#dirty.get(key);
      if (dirty === undefined) this.#observer?.onAdd(priority);
      this.#dirty.set(key, Math.max(dirty ?? priority, priority));
      return;
    }
    const queued = this.#readyPriority.get(key);
    if (queued !== undefined) {
      if (priority > queued) this.#move(key, queued, priority);
      return;
    }
    this.#observer?.onAdd(priority);
    this.#pushReady(key, priority, performance.now());
  }

  /** Queues `key` after `delayMs`; if it is already queued or due sooner, only the priority can rise. */
  addAfter(key: string, delayMs: number, priority: number = Priority.Normal): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key, priority);
      return;
    }
    const queued = this.#readyPriority.get(key);
    if (queued !== undefined) {
      if (priority > queued) this.#move(key, queued, priority);
      return;
    }
    const readyAt = performance.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing !== undefined && existing.readyAt <= readyAt) {
      existing.priority = Math.max(existing.priority, priority);
      return;
    }
    const merged = Math.max(existing?.priority ?? priority, priority);
    this.#cancelDelayed(key);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key, merged);
    }, delayMs);
    // A pending retry must not keep a shutting-down process alive.
    timer.unref();
    this.#delayed.set(key, { readyAt, priority: merged, timer });
  }

  /** Queues `key` after its per-key backoff (one more counted failure). */
  addRateLimited(key: string, priority: number = Priority.Normal): number {
    const delayMs = this.#rateLimiter.when(key);
    this.#observer?.onRetry();
    this.addAfter(key, delayMs, priority);
    return delayMs;
  }

  /** Resets the backoff of `key` (call after a successful reconcile). */
  forget(key: string): void {
    this.#rateLimiter.forget(key);
  }

  /** Consecutive failures counted for `key`. */
  numRequeues(key: string): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process, highest priority first and FIFO within a priority, waiting until one is ready.
   * Resolves undefined once the queue is shutting down: keys still queued then are dropped (level-based controllers
   * rebuild them from the cache on the next start).
   */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#popReady();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `key` as finished; if it was added meanwhile, it is queued once more. */
  done(key: string): void {
    const startedAt = this.#processing.get(key);
    if (startedAt === undefined) return;
    this.#processing.delete(key);
    this.#observer?.onDone((performance.now() - startedAt) / 1000);
    const dirty = this.#dirty.get(key);
    if (dirty !== undefined) {
      this.#dirty.delete(key);
      if (!this.#shuttingDown) {
        this.#cancelDelayed(key);
        this.#pushReady(key, dirty, performance.now());
      }
    }
    if (this.#shuttingDown && this.#processing.size === 0) this.#drained?.();
  }

  /** Keys waiting to be handed to a worker (not counting delayed or in-process keys). */
  get length(): number {
    return this.#readyPriority.size;
  }

  /** Keys queued with a delay (backoff or requeueAfter). */
  get delayedLength(): number {
    return this.#delayed.size;
  }

  /** Keys currently being processed. */
  get processingLength(): number {
    return this.#processing.size;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Seconds each in-process key has been worked on so far (for workqueue_unfinished_work_seconds and friends). */
  inFlightSeconds(): number[] {
    const now = performance.now();
    return [...this.#processing.values()].map((startedAt) => (now - startedAt) / 1000);
  }

  /**
   * Stops handing out keys and drops queued and delayed ones; resolves true once every in-process key is done(),
   * or false if that takes longer than `drainTimeoutMs`.
   */
  shutdown(drainTimeoutMs = 0): Promise<boolean> {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      for (const key of [...this.#delayed.keys()]) this.#cancelDelayed(key);
      for (const [priority, keys] of this.#ready) this.#observer?.onDepthChange(priority, -keys.size);
      this.#ready.clear();
      this.#readyPriority.clear();
      this.#readySince.clear();
      for (const getter of this.#getters.splice(0)) getter(undefined);
    }
    if (this.#processing.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), drainTimeoutMs);
      const previous = this.#drained;
      this.#drained = () => {
        clearTimeout(timer);
        previous?.();
        resolve(true);
      };
    });
  }

  #pushReady(key: string, priority: number, since: number): void {
    const getter = this.#getters.shift();
    if (getter !== undefined) {
      this.#observer?.onGet(0);
      this.#processing.set(key, performance.now());
      getter(key);
      return;
    }
    let keys = this.#ready.get(priority);
    if (keys === undefined) {
      keys = new Set();
      this.#ready.set(priority, keys);
    }
    keys.add(key);
    this.#readyPriority.set(key, priority);
    this.#readySince.set(key, since);
    this.#observer?.onDepthChange(priority, 1);
  }

  #popReady(): string | undefined {
    let best: number | undefined;
    for (const [priority, keys] of this.#ready) {
      if (keys.size > 0 && (best === undefined || priority > best)) best = priority;
    }
    if (best === undefined) return undefined;
    const keys = this.#ready.get(best);
    const key = keys?.values().next().value;
    if (keys === undefined || key === undefined) return undefined;
    keys.delete(key);
    const since = this.#readySince.get(key) ?? performance.now();
    this.#readyPriority.delete(key);
    this.#readySince.delete(key);
    this.#observer?.onDepthChange(best, -1);
    const now = performance.now();
    this.#observer?.onGet((now - since) / 1000);
    this.#processing.set(key, now);
    return key;
  }

  #move(key: string, from: number, to: number): void {
    this.#ready.get(from)?.delete(key);
    this.#observer?.onDepthChange(from, -1);
    const since = this.#readySince.get(key) ?? performance.now();
    this.#readyPriority.delete(key);
    this.#pushReady(key, to, since);
  }

  #cancelDelayed(key: string): void {
    const delayed = this.#delayed.get(key);
    if (delayed === undefined) return;
    clearTimeout(delayed.timer);
    this.#delayed.delete(key);
  }
}
