import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.ts';
import type { AppState } from './context.ts';
import type { Metrics } from './metrics.ts';

// A caller's request id is kept when it is a plausible id (a UUID, a trace id, an ALB X-Amzn-Trace-Id value ...).
const usableRequestId = /^[\w.:=+/-]{1,128}$/;
const quietRoutes = new Set(['/api/v1/health', '/metrics']);

/**
 * Outermost middleware: gives the request an id (X-Request-Id, echoed), then records one access log line and the
 * HTTP metrics with the final status. Probes and scrapes log at debug and stay out of the
 * metrics. While the server drains, responses carry `Connection: close` so keep-alive clients reconnect elsewhere.
 */
export function observe(logger: Logger, metrics: Metrics, lifecycle: { draining: boolean }): Middleware<AppState> {
  return async (ctx, next) => {
    const started = performance.now();
    const offered = ctx.get('X-Request-Id');
    const requestId = usableRequestId.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    ctx.set('X-Content-Type-Options', 'nosniff');
    metrics.inFlight.inc();
    try {
      await next();
    } finally {
      metrics.inFlight.dec();
      if (lifecycle.draining) ctx.set('Connection', 'close');
      const route = ctx.state.route ?? 'unmatched';
      const durationMs = performance.now() - started;
      const quiet = quietRoutes.has(route);
      if (!quiet) {
        const labels = { method: ctx.method, route, status_code: ctx.status };
        metrics.requestDuration.observe(labels, durationMs / 1000);
        metrics.requests.inc(labels);
        if (ctx.status >= 500) metrics.serverErrors.inc(labels);
      }
      // The root logger with the id as a field: a child logger per request would cost more than the line itself.
      logger[quiet ? 'debug' : 'info'](
        {
          requestId,
          method: ctx.method,
          url: ctx.originalUrl,
          route,
          status: ctx.status,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'request',
      );
    }
  };
}
