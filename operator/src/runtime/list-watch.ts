import type { KubeObject } from './types.ts';

/** One page of a list call: its items and the resourceVersion to watch from once the last page is read. */
export interface ListPage<T extends KubeObject> {
  readonly items: T[];
  readonly resourceVersion: string;
  /** Token for the next page; undefined on the last page. */
  readonly continue: string | undefined;
}

/** A watch event; ERROR events never reach the caller (they become a rejected watch). */
export interface WatchEvent<T extends KubeObject> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  readonly object: T;
}

export interface ListOptions {
  readonly limit: number;
  readonly continue: string | undefined;
  readonly signal: AbortSignal;
}

export interface WatchOptions {
  readonly resourceVersion: string;
  /** Asks the API server to end the watch normally after this long. */
  readonly timeoutSeconds: number;
  /** Abort with a WatchIdleError when no byte (event or bookmark) arrives for this long. */
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
  /** Called once the server accepted the watch (HTTP 200), before any event. */
  readonly onOpen?: () => void;
}

/**
 * List and watch one resource in one scope (a namespace or the cluster): the only I/O a reflector does. The
 * implementation over HTTP is operator/src/k8s/watch.ts.
 */
export interface ListerWatcher<T extends KubeObject> {
  /** e.g. `deployments.apps in namespace pets`, for logs. */
  readonly description: string;
  list(options: ListOptions): Promise<ListPage<T>>;
  /**
   * Streams events to `onEvent` until the server ends the watch (resolves), `signal` aborts (resolves), or an error
   * (rejects: {@link ExpiredError} for 410 Gone, {@link WatchIdleError} for silence, {@link ApiError} otherwise).
   */
  watch(options: WatchOptions, onEvent: (event: WatchEvent<T>) => void): Promise<void>;
}

/** A failed API request, with the HTTP status and the Status reason the server gave. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;

  constructor(statusCode: number, reason: string | undefined, message: string) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

/** 410 Gone: the resourceVersion (or continue token) is older than the server's history; only a fresh list helps. */
export class ExpiredError extends ApiError {
  constructor(message: string) {
    super(410, 'Expired', message);
    this.name = 'ExpiredError';
  }
}

/** The watch connection delivered nothing for longer than its idle bound and was torn down. */
export class WatchIdleError extends Error {
  constructor(idleTimeoutMs: number) {
    super(`watch received nothing for ${Math.round(idleTimeoutMs / 1000)}s; restarting it`);
    this.name = 'WatchIdleError';
  }
}
