import type { ParameterizedContext } from 'koa';
import type { Logger } from '../logger.ts';

/** What the middleware chain leaves on `ctx.state` for everything after it. */
export interface AppState {
  /** X-Request-Id of this request (the caller's, when it sent a usable one). */
  requestId: string;
  /** The application logger bound to this request's id. */
  log: Logger;
  /** The matched route template, e.g. /api/v1/pets/{petId}; the low-cardinality label for metrics. */
  route?: string;
}

export type AppContext = ParameterizedContext<AppState>;
