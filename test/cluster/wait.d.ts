/**
 * Polls `probe` until it returns a truthy value (which is returned) or `timeoutMs` passes; a throwing probe counts as
 * "not yet". The timeout error names `what` and carries the probe's last error, so a failed wait explains itself.
 */
export declare function waitFor<T>(probe: () => T | Promise<T>, timeoutMs?: number, what?: string, intervalMs?: number): Promise<T>;
