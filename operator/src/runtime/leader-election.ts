import { isAborted, sleep } from './backoff.ts';
import type { Logger } from './logger.ts';

/** The leader-election fields of a Lease's spec. */
export interface LeaseRecord {
  /** '' when nobody holds the lease (after a release). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: Date;
  readonly renewTime: Date;
  readonly leaseTransitions: number;
}

export interface ObservedLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** Storage of the lease record (operator/src/k8s/lease.ts: a coordination.k8s.io/v1 Lease). */
export interface LeaseLock {
  /** `namespace/name`, for logs. */
  readonly description: string;
  get(signal: AbortSignal): Promise<ObservedLease | undefined>;
  /** The new resourceVersion, or undefined when someone else created it first. */
  create(record: LeaseRecord, signal: AbortSignal): Promise<string | undefined>;
  /** The new resourceVersion, or undefined on a conflict (someone else wrote it since we read it). */
  update(record: LeaseRecord, resourceVersion: string, signal: AbortSignal): Promise<string | undefined>;
}

export interface LeaderElectorOptions {
  readonly lock: LeaseLock;
  /** Unique per process: client-go uses hostname + '_' + a UUID. */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly log: Logger;
  /** Told about every change of leadership (leader_election_master_status). */
  readonly onLeadingChange?: (leading: boolean) => void;
}

/** client-go's JitterFactor for the acquire loop: attempts every retryPeriod × [1, 2.2). */
const JITTER_FACTOR = 1.2;

/**
 * client-go's Lease leader election. A candidate takes the lease when it is free or when the holder has not renewed
 * it for leaseDuration as timed by the candidate's own clock (from when it saw the record change, so clock skew
 * between nodes does not matter). The leader renews every retryPeriod and gives up when no renewal succeeded for
 * renewDeadline, which is shorter than leaseDuration: it stops before anyone else may start.
 */
export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  #observed: ObservedLease | undefined;
  /** performance.now() when the observed record last changed. */
  #observedAt = 0;
  #leading = false;
  /** performance.now() when the last successful acquire or renewal was sent (not answered: the conservative end). */
  #renewedAt = 0;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
  }

  get identity(): string {
    return this.#options.identity;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /**
   * Whether this process may still write as the leader, by its own monotonic clock: it leads and its last renewal was
   * sent less than renewDeadline ago. Synchronous, for a check right before each write: a process paused past its
   * lease (SIGSTOP, a stalled VM) resumes with work queued from before, and may run it before its renew loop notices
   * the loss; this fence refuses those writes, since another process may lead by now.
   */
  holdsLease(): boolean {
    return this.#leading && performance.now() - this.#renewedAt < this.#options.renewDeadlineMs;
  }

  /** Tries every retryPeriod (jittered) until this process holds the lease; false if `signal` aborted first. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    const { log, lock, retryPeriodMs } = this.#options;
    log.info({ lease: lock.description, identity: this.identity }, 'attempting to acquire leader lease');
    let reportedHolder: string | undefined;
    while (!signal.aborted) {
      const sent = performance.now();
      if (await this.#tryAcquireOrRenew(signal)) {
        this.#renewedAt = sent;
        this.#setLeading(true);
        log.info({ lease: lock.description, identity: this.identity }, 'acquired leader lease');
        return true;
      }
      const holder = this.#observed?.record.holderIdentity;
      if (holder !== undefined && holder !== reportedHolder) {
        log.info({ lease: lock.description, holder }, 'lease held by another replica; standing by');
        reportedHolder = holder;
      }
      await sleep(retryPeriodMs * (1 + Math.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /**
   * Renews the lease every retryPeriod while leading. Resolves 'stopped' when `signal` aborts (still holding the
   * lease: call release()), or 'lost' as soon as renewal has failed for renewDeadline or another holder appears.
   */
  async keepLeading(signal: AbortSignal): Promise<'stopped' | 'lost'> {
    const { log, lock, renewDeadlineMs, retryPeriodMs } = this.#options;
    let lastRenewal = performance.now();
    while (!signal.aborted) {
      await sleep(Math.min(retryPeriodMs, lastRenewal + renewDeadlineMs - performance.now()), signal);
      if (isAborted(signal)) break;
      const remaining = lastRenewal + renewDeadlineMs - performance.now();
      const holder = this.#observed?.record.holderIdentity;
      if (remaining <= 0 || (holder !== undefined && holder !== '' && holder !== this.identity)) {
        this.#setLeading(false);
        log.error({ lease: lock.description, holder }, 'leader lease lost');
        return 'lost';
      }
      // A request may use at most what is left of the deadline, so giving up is never late.
      const attempt = AbortSignal.any([
        signal,
        AbortSignal.timeout(Math.ceil(Math.min(remaining, renewDeadlineMs / 2))),
      ]);
      const sent = performance.now();
      if (await this.#tryAcquireOrRenew(attempt)) {
        lastRenewal = performance.now();
        this.#renewedAt = sent;
      }
    }
    return 'stopped';
  }

  /**
   * Gives the lease up at once (holder '' and a 1 s duration, like client-go's ReleaseOnCancel), so a standby takes
   * over within a retry period instead of a lease duration. Call only after this process stopped writing.
   */
  async release(timeoutMs = 5000): Promise<void> {
    const { log, lock } = this.#options;
    const observed = this.#observed;
    if (!this.#leading || observed === undefined) return;
    this.#setLeading(false);
    const now = new Date();
    const record: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: observed.record.leaseTransitions,
    };
    try {
      const released = await lock.update(record, observed.resourceVersion, AbortSignal.timeout(Math.ceil(timeoutMs)));
      if (released === undefined) log.warn({ lease: lock.description }, 'lease changed meanwhile; not released');
      else log.info({ lease: lock.description }, 'released leader lease');
    } catch (err) {
      log.warn({ lease: lock.description, err }, 'could not release leader lease; it expires on its own');
    }
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { lock, log, identity, leaseDurationMs } = this.#options;
    const now = new Date();
    const record = (transitions: number, acquireTime: Date): LeaseRecord => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(leaseDurationMs / 1000),
      acquireTime,
      renewTime: now,
      leaseTransitions: transitions,
    });
    const wrote = (next: LeaseRecord, resourceVersion: string | undefined): boolean => {
      if (resourceVersion === undefined) return false;
      this.#observed = { record: next, resourceVersion };
      this.#observedAt = performance.now();
      return true;
    };
    try {
      // Fast path while leading (as client-go since 1.31): renew from the cached record, one request per period.
      const cached = this.#observed;
      if (this.#leading && cached?.record.holderIdentity === identity) {
        const next = record(cached.record.leaseTransitions, cached.record.acquireTime);
        if (wrote(next, await lock.update(next, cached.resourceVersion, signal))) return true;
      }
      const current = await lock.get(signal);
      if (current === undefined) {
        const next = record(0, now);
        return wrote(next, await lock.create(next, signal));
      }
      this.#observe(current);
      const { holderIdentity, leaseDurationSeconds, leaseTransitions, acquireTime } = current.record;
      const heldByUs = holderIdentity === identity;
      const expired = performance.now() > this.#observedAt + leaseDurationSeconds * 1000;
      if (holderIdentity !== '' && !heldByUs && !expired) return false;
      const next = heldByUs ? record(leaseTransitions, acquireTime) : record(leaseTransitions + 1, now);
      return wrote(next, await lock.update(next, current.resourceVersion, signal));
    } catch (err) {
      if (!signal.aborted) log.warn({ lease: lock.description, err }, 'lease request failed');
      return false;
    }
  }

  #observe(current: ObservedLease): void {
    if (this.#observed?.resourceVersion !== current.resourceVersion) {
      this.#observed = current;
      this.#observedAt = performance.now();
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#options.onLeadingChange?.(leading);
  }
}
