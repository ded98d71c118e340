/** Per-key retry delays for failed reconciles. */
export interface RateLimiter {
  /** The delay before the next retry of `key`; each call counts one more failure. */
  when(key: string): number;
  /** Clears the failure count of `key` (after a success). */
  forget(key: string): void;
  /** How many failures have been counted for `key` since the last forget. */
  numRequeues(key: string): number;
}

/**
 * client-go's ItemExponentialFailureRateLimiter: the n-th consecutive failure of a key waits baseDelay × 2^(n−1),
 * capped at maxDelay. Defaults 5 ms → 1000 s as in controller-runtime, reached at the 19th failure.
 */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  readonly #failures = new Map<string, number>();
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(baseDelayMs = 5, maxDelayMs = 1_000_000) {
    if (!(baseDelayMs > 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new RangeError(`rate limiter needs 0 < baseDelayMs <= maxDelayMs, got ${baseDelayMs} and ${maxDelayMs}`);
    }
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
  }

  when(key: string): number {
    const exp = this.#failures.get(key) ?? 0;
    this.#failures.set(key, exp + 1);
    return Math.min(this.#baseDelayMs * 2 ** exp, this.#maxDelayMs);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}
