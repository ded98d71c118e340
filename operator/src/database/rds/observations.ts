import type { ResolvedDatabase } from '../engine.ts';

interface Entry {
  /** What the PetStore asked when this was observed: a different ask is looked at again at once. */
  fingerprint: string;
  result?: ResolvedDatabase;
  freshUntil: number;
  /** A ModifyDBInstance AWS refused for this fingerprint: not sent again until the spec changes. */
  refusedModification?: string;
  failures: number;
  lastError?: Error;
  retryAt: number;
  touchedAt: number;
}

const firstHoldMs = 1000;
/** Entries of PetStores nobody asked about for this long are dropped (deleted objects whose finalizer was released). */
const forgetAfterMs = 3_600_000;

/**
 * Per-PetStore memory of the last look at AWS. It is what bounds the AWS calls per minute: reconciles triggered by other
 * events (pods becoming ready, resyncs) within the freshness window reuse the last observation, and after a failure
 * AWS is not asked again before an exponentially growing hold (1 s doubling up to the poll interval) has passed.
 * In memory only: a restarted operator simply looks again.
 */
export class Observations {
  readonly #entries = new Map<string, Entry>();

  /** The last result for `key` if it is still fresh for this fingerprint, with how long it stays fresh. */
  fresh(key: string, fingerprint: string, now: number): { result: ResolvedDatabase; remainingMs: number } | undefined {
    const entry = this.#entries.get(key);
    if (!entry?.result || entry.fingerprint !== fingerprint || now >= entry.freshUntil) return undefined;
    entry.touchedAt = now;
    return { result: entry.result, remainingMs: entry.freshUntil - now };
  }

  /** The last error for `key` while its hold lasts: rethrown instead of calling AWS again. */
  held(key: string, fingerprint: string, now: number): Error | undefined {
    const entry = this.#entries.get(key);
    if (!entry?.lastError || entry.fingerprint !== fingerprint || now >= entry.retryAt) return undefined;
    return entry.lastError;
  }

  refusedModification(key: string, fingerprint: string): string | undefined {
    const entry = this.#entries.get(key);
    return entry?.fingerprint === fingerprint ? entry.refusedModification : undefined;
  }

  remember(
    key: string,
    fingerprint: string,
    result: ResolvedDatabase,
    now: number,
    refusedModification?: string,
  ): void {
    this.#prune(now);
    this.#entries.set(key, {
      fingerprint,
      result,
      freshUntil: now + (result.state.requeueAfterMs ?? 0),
      ...(refusedModification !== undefined ? { refusedModification } : {}),
      failures: 0,
      retryAt: now,
      touchedAt: now,
    });
  }

  /** Records a failed look; returns how long AWS is left alone for this PetStore. */
  failed(key: string, fingerprint: string, error: Error, now: number, maxHoldMs: number): number {
    this.#prune(now);
    const previous = this.#entries.get(key);
    const failures = previous?.fingerprint === fingerprint ? previous.failures + 1 : 1;
    const holdMs = Math.min(firstHoldMs * 2 ** (failures - 1), maxHoldMs);
    this.#entries.set(key, {
      fingerprint,
      freshUntil: now,
      failures,
      lastError: error,
      retryAt: now + holdMs,
      touchedAt: now,
    });
    return holdMs;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#entries) if (now - entry.touchedAt > forgetAfterMs) this.#entries.delete(key);
  }
}
