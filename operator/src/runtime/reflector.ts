import { Backoff, isAborted, sleep, type BackoffOptions } from './backoff.ts';
import { ExpiredError, WatchIdleError, type ListerWatcher, type WatchEvent } from './list-watch.ts';
import type { Logger } from './logger.ts';
import type { Store, StoreChange } from './store.ts';
import type { KubeObject } from './types.ts';

/** Why a watch ended and was started again (the `reason` label of petstore_operator_watch_restarts_total). */
export type WatchRestartReason = 'closed' | 'expired' | 'idle' | 'error';

export interface ReflectorOptions<T extends KubeObject> {
  readonly listerWatcher: ListerWatcher<T>;
  readonly store: Store<T>;
  /** The namespace this reflector lists (undefined: all); a relist replaces only this part of the store. */
  readonly namespace: string | undefined;
  /** Receives every change applied to the store; `initial` marks the additions of the first list. */
  readonly onChange: (change: StoreChange<T>, initial: boolean) => void;
  readonly log: Logger;
  /** Restart a watch that delivered nothing (no event, no bookmark) for this long. Default 5 min. */
  readonly idleTimeoutMs?: number;
  /** Server-side watch timeout; default a random 50–90 % of the idle bound so healthy watches end before it. */
  readonly watchTimeoutSeconds?: () => number;
  /** Items per list page. Default 500, client-go's. */
  readonly pageSize?: number;
  readonly backoff?: BackoffOptions;
  /** Reported after every watch that ended, for metrics. */
  readonly onRestart?: (reason: WatchRestartReason) => void;
}

/** A snapshot of a reflector's state for /readyz, /healthz and metrics. */
export interface ReflectorStatus {
  readonly description: string;
  /** The namespace watched; undefined for a cluster-wide watch. */
  readonly namespace: string | undefined;
  readonly synced: boolean;
  /** A watch is open (the server answered 200 and has not ended it). */
  readonly watching: boolean;
  /** performance.now() of the last list, event or bookmark; NaN before the first. */
  readonly lastEventAt: number;
  /** performance.now() when the last open watch ended; NaN while watching or before the first watch. */
  readonly disconnectedAt: number;
  /** performance.now() of the loop's last step: liveness, every step of the loop is bounded in time. */
  readonly lastActivityAt: number;
  readonly lastError: string | undefined;
}

/** A watch that ends this soon after opening without delivering anything is treated as a failure (backoff). */
const SHORT_WATCH_MS = 1000;

/**
 * Keeps one part of a store equal to the API server's: list (paginated), then watch from the list's resourceVersion
 * with bookmarks, resume from the last resourceVersion seen after a normal close, relist on 410 Gone, back off
 * (800 ms → 30 s, jittered) after every failure, and restart a watch that has gone silent longer than the idle bound.
 */
export class Reflector<T extends KubeObject> {
  readonly #options: ReflectorOptions<T>;
  readonly #idleTimeoutMs: number;
  #synced = false;
  #watching = false;
  #lastEventAt = Number.NaN;
  #disconnectedAt = Number.NaN;
  #lastActivityAt = performance.now();
  #lastError: string | undefined;

  constructor(options: ReflectorOptions<T>) {
    this.#options = options;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  get description(): string {
    return this.#options.listerWatcher.description;
  }

  status(): ReflectorStatus {
    return {
      description: this.description,
      namespace: this.#options.namespace,
      synced: this.#synced,
      watching: this.#watching,
      lastEventAt: this.#lastEventAt,
      disconnectedAt: this.#disconnectedAt,
      lastActivityAt: this.#lastActivityAt,
      lastError: this.#lastError,
    };
  }

  /** Runs until `signal` aborts; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    const { log, onRestart } = this.#options;
    const backoff = new Backoff(this.#options.backoff);
    let resourceVersion: string | undefined;
    while (!signal.aborted) {
      this.#lastActivityAt = performance.now();
      try {
        resourceVersion ??= await this.#list(signal);
        const openedAt = performance.now();
        let events = 0;
        await this.#options.listerWatcher.watch(
          {
            resourceVersion,
            timeoutSeconds: this.#watchTimeoutSeconds(),
            idleTimeoutMs: this.#idleTimeoutMs,
            signal,
            onOpen: () => {
              this.#watching = true;
              this.#disconnectedAt = Number.NaN;
            },
          },
          (event) => {
            events++;
            resourceVersion = this.#apply(event) ?? resourceVersion;
          },
        );
        this.#ended();
        if (isAborted(signal)) break;
        if (events === 0 && performance.now() - openedAt < SHORT_WATCH_MS) {
          throw new Error('the API server closed the watch at once without sending anything');
        }
        onRestart?.('closed');
        log.debug({ resource: this.description, resourceVersion }, 'watch ended normally; resuming');
      } catch (err) {
        this.#ended();
        if (isAborted(signal)) break;
        this.#lastError = err instanceof Error ? err.message : String(err);
        const delayMs = backoff.next();
        if (err instanceof ExpiredError) {
          resourceVersion = undefined;
          onRestart?.('expired');
          log.info({ resource: this.description, err: this.#lastError, delayMs }, 'resourceVersion expired; relisting');
        } else if (err instanceof WatchIdleError) {
          onRestart?.('idle');
          log.warn({ resource: this.description, delayMs }, this.#lastError);
        } else {
          onRestart?.('error');
          log.warn({ resource: this.description, err: this.#lastError, delayMs }, 'list/watch failed; retrying');
        }
        await sleep(delayMs, signal);
      }
    }
    this.#watching = false;
  }

  async #list(signal: AbortSignal): Promise<string> {
    const items: T[] = [];
    let next: string | undefined;
    let resourceVersion: string;
    do {
      const page = await this.#options.listerWatcher.list({
        limit: this.#options.pageSize ?? 500,
        continue: next,
        signal,
      });
      this.#lastActivityAt = performance.now();
      items.push(...page.items);
      next = page.continue;
      resourceVersion = page.resourceVersion;
    } while (next !== undefined);
    const initial = !this.#synced;
    const changes = this.#options.store.replace(this.#options.namespace, items);
    this.#synced = true;
    this.#lastEventAt = performance.now();
    this.#lastError = undefined;
    this.#options.log.debug(
      { resource: this.description, items: items.length, changes: changes.length, resourceVersion },
      initial ? 'listed' : 'relisted',
    );
    for (const change of changes) this.#emit(change, initial);
    return resourceVersion;
  }

  /** Applies one event to the store; returns the resourceVersion to resume from. */
  #apply(event: WatchEvent<T>): string | undefined {
    const now = performance.now();
    this.#lastEventAt = now;
    this.#lastActivityAt = now;
    const resourceVersion = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') return resourceVersion;
    const change =
      event.type === 'DELETED' ? this.#options.store.delete(event.object) : this.#options.store.upsert(event.object);
    if (change !== undefined) this.#emit(change, false);
    return resourceVersion;
  }

  #emit(change: StoreChange<T>, initial: boolean): void {
    try {
      this.#options.onChange(change, initial);
    } catch (err) {
      // A faulty handler must not stop the cache from following the server.
      this.#options.log.error({ resource: this.description, err }, 'event handler threw');
    }
  }

  #ended(): void {
    if (this.#watching) this.#disconnectedAt = performance.now();
    this.#watching = false;
  }

  #watchTimeoutSeconds(): number {
    if (this.#options.watchTimeoutSeconds !== undefined) return this.#options.watchTimeoutSeconds();
    const idleSeconds = this.#idleTimeoutMs / 1000;
    return Math.max(1, Math.floor(idleSeconds * (0.5 + 0.4 * Math.random())));
  }
}
