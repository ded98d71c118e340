/**
 * Thrown by a reconcile when retrying cannot help (the spec is invalid, a referenced thing is missing by the user's
 * choice): the controller logs it, counts it as a terminal error and does not requeue the key until the object changes.
 * Like controller-runtime's `reconcile.TerminalError` and kopf's `PermanentError`.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
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
