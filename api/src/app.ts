import cors from '@koa/cors';
import Koa from 'koa';
import type { DataSource } from 'typeorm';
import type { ApiKeyStore } from './auth/api-key-store.ts';
import { identifyClient } from './auth/client.ts';
import { apiKeyHeader } from './auth/credentials.ts';
import { requireApiKey } from './auth/require-api-key.ts';
import type { Config } from './config.ts';
import { healthHandlers } from './health/health.handlers.ts';
import type { AppState } from './http/context.ts';
import { createMetrics, metricsEndpoint, type Metrics } from './http/metrics.ts';
import { observe } from './http/observe.ts';
import { openApiRouter } from './http/openapi-router.ts';
import { rateLimit } from './limits/rate-limit.ts';
import type { Logger } from './logger.ts';
import { apiBasePath } from './openapi/base-path.ts';
import { openApiDocument } from './openapi/document.ts';
import { petHandlers } from './pets/pets.handlers.ts';
import { problems } from './problem.ts';
import { storeHandlers } from './store/store.handlers.ts';
import { passwordHasher } from './users/password.ts';
import { userHandlers } from './users/users.handlers.ts';

export interface AppDeps {
  config: Config;
  /** An initialized, migrated data source. */
  dataSource: DataSource;
  logger: Logger;
  /** The accepted API keys (auth/api-key-store.ts); its owner closes it. */
  apiKeys: ApiKeyStore;
  /** Set `draining` when shutdown begins: readiness turns 503 and responses close their connections. */
  lifecycle: { draining: boolean };
  /** Defaults to a fresh registry with the process metrics. */
  metrics?: Metrics;
}

const healthPath = `${apiBasePath}/health`;

/** The Pet Store API as a Koa app, not listening: `app.callback()` serves it (see http/server.ts). */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { config, dataSource, logger, lifecycle, apiKeys } = deps;
  const metrics = deps.metrics ?? createMetrics(config, dataSource);
  const document = openApiDocument(config);
  const router = openApiRouter(
    document,
    {
      ...petHandlers({ dataSource }),
      ...storeHandlers({ dataSource }),
      ...userHandlers({ dataSource, hashPassword: passwordHasher(config.passwordHashConcurrency) }),
      ...healthHandlers({ config, dataSource, lifecycle }),
      getOpenApiDocument: (ctx) => {
        ctx.body = document;
      },
    },
    { authorize: requireApiKey(apiKeys) },
  );

  const app = new Koa<AppState>();
  app.silent = true; // errors are logged once, by problems(), with the request id
  const origins = new Set(config.corsOrigins);
  app
    .use(observe(logger, metrics, lifecycle))
    .use(
      cors({
        origin: (ctx) => (origins.has('*') ? '*' : origins.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
        allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'],
        allowHeaders: ['Content-Type', 'If-Match', 'If-None-Match', 'X-Request-Id', 'Authorization', apiKeyHeader],
        exposeHeaders: ['ETag', 'Location', 'Link', 'Retry-After', 'X-Request-Id', 'WWW-Authenticate'],
        maxAge: 600,
      }),
    )
    .use(problems(logger))
    .use(metricsEndpoint(metrics))
    .use(identifyClient(apiKeys, config.trustedProxies))
    .use(rateLimit(config.rateLimit, (ctx) => ctx.path === healthPath))
    .use(router.routes())
    .use(router.allowedMethods());
  return app;
}
