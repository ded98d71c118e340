/**
 * Polls `probe` until it returns a truthy value (which is returned) or `timeoutMs` passes; a throwing probe counts as
 * "not yet". The timeout error names `what` and carries the probe's last error, so a failed wait explains itself.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 30_000,
  what = 'the condition',
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${cause}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
