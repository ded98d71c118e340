/**
 * Thrown by a reconcile when retrying cannot help (the spec is invalid, a referenced thing is missing by the user's
 * choice): the controller logs it, counts it as a terminal error and does not requeue the key until the object changes.
 * Like controller-runtime's `reconcile.TerminalError` and kopf's `PermanentError`.
 */
export class PermanentError extends Error {
  /** Machine-readable cause for conditions and events, e.g. `InvalidSpec`, `AWSAccessDenied`. */
  readonly reason: string;
  /**
   * Look again after this long although the object did not change: the fix lies outside it (an administrator grants
   * an IAM permission, raises a quota). Undefined: wait for the object to change.
   */
  readonly recheckAfterMs: number | undefined;
  constructor(message: string, options?: ErrorOptions & { reason?: string; recheckAfterMs?: number }) {
    super(message, options);
    this.name = 'PermanentError';
    this.reason = options?.reason ?? 'InvalidSpec';
    this.recheckAfterMs = options?.recheckAfterMs;
  }
}

/**
 * Retrying can help: the API server or AWS was unavailable, a conflict, a timeout. `retryAfterMs` asks for a fixed
 * delay (slow polling of something a person must create); undefined retries with the per-key exponential backoff.
 */
export class TemporaryError extends Error {
  readonly reason: string;
  readonly retryAfterMs: number | undefined;
  constructor(reason: string, message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.name = 'TemporaryError';
    this.reason = reason;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** How often a reconcile waiting for something a user must create (a Secret) looks again. */
export const dependencyRetryMs = 30_000;

/** Waiting for something a user must create or fix (a Secret, a key in it): retried slowly, not a spec error. */
export class DependencyMissingError extends TemporaryError {
  constructor(reason: string, message: string) {
    super(reason, message, { retryAfterMs: dependencyRetryMs });
    this.name = 'DependencyMissingError';
  }
}

/** True when `err` (or any error in its `cause` chain) is a {@link PermanentError}. */
export function isPermanentError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof PermanentError) return true;
  }
  return false;
}

/** The lease was lost while this process was leading: it must stop writing at once (the manager's start() rejects). */
export class LeaderElectionLostError extends Error {
  constructor(leaseName: string) {
    super(`leader election lost: lease ${leaseName} was not renewed in time; stopping so another replica can lead`);
    this.name = 'LeaderElectionLostError';
  }
}
