import pLimit from 'p-limit';

/** Work refused because too much of it is already queued; worth a 503 with Retry-After. */
export class OverloadedError extends Error {
  override name = 'OverloadedError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Runs at most `concurrency` tasks at once with at most `queueLimit` waiting; beyond that a task is refused at once
 * with OverloadedError, so a burst cannot queue unbounded work (or memory) behind the running ones.
 */
export function boundedConcurrency(concurrency: number, queueLimit: number, what: string) {
  const limit = pLimit(concurrency);
  return <T>(task: () => Promise<T>): Promise<T> => {
    if (limit.pendingCount >= queueLimit) {
      return Promise.reject(new OverloadedError(`too many ${what} in progress; retry shortly`));
    }
    return limit(task);
  };
}
