import type { ParameterizedContext } from 'koa';

/** What the middleware chain leaves on `ctx.state` for everything after it. */
export interface AppState {
  /** X-Request-Id of this request (the caller's, when it sent a usable one). */
  requestId: string;
  /** The matched route template, e.g. /api/v1/pets/{petId}; the low-cardinality label for metrics. */
  route?: string;
  /** Who is calling (set by auth/client.ts). */
  client: Client;
}

/** Who is calling: the id of a valid API key, whether an invalid one was sent, and the client's address. */
export interface Client {
  keyId?: string;
  invalidKey: boolean;
  /**
   * The socket's peer, or the nearest untrusted address in X-Forwarded-For when the peer (and each hop after it) is
   * a trusted proxy: an X-Forwarded-For from anyone else is ignored, so a client cannot choose its own address.
   */
  address: string;
}

export type AppContext = ParameterizedContext<AppState>;
