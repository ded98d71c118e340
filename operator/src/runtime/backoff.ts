/** Options of {@link Backoff}; defaults are client-go's reflector backoff (800 ms → 30 s, ×2, jitter 1.0, reset 2 min). */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly factor?: number;
  /**
   * Each delay d becomes d + random·jitter·d (capped at maxMs), so reconnecting clients spread out instead of
   * arriving together.
   */
  readonly jitter?: number;
  /** After this long without a failure the next delay starts again at initialMs. */
  readonly resetAfterMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Jittered exponential backoff between reconnect attempts of one watch; one instance per reflector. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #resetAfterMs: number;
  readonly #random: () => number;
  readonly #now: () => number;
  #currentMs = 0;
  #lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 800;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 1;
    this.#resetAfterMs = options.resetAfterMs ?? 120_000;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    const now = this.#now();
    if (this.#currentMs === 0 || now - this.#lastFailureAt > this.#resetAfterMs) {
      this.#currentMs = this.#initialMs;
    } else {
      this.#currentMs = Math.min(this.#currentMs * this.#factor, this.#maxMs);
    }
    this.#lastFailureAt = now;
    // Unlike client-go (whose jitter can stretch the 30 s cap to 60 s), the cap holds: the first attempt after an
    // outage ends comes at most maxMs later.
    return Math.round(Math.min(this.#maxMs, this.#currentMs * (1 + this.#random() * this.#jitter)));
  }
}

/** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Reads `signal.aborted` afresh. TypeScript keeps a narrowing of `signal.aborted` across awaits, so a plain re-check
 * after an await looks redundant to it (and to the linter) although the signal may have aborted meanwhile.
 */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
