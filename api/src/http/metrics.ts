import type { Middleware } from 'koa';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import type { AppState } from './context.ts';

type HttpLabels = 'method' | 'route' | 'status_code';

/** The API's Prometheus metrics, in a registry of its own (one per app, so tests can run several apps). */
export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<HttpLabels>;
  requests: Counter<HttpLabels>;
  serverErrors: Counter<HttpLabels>;
  inFlight: Gauge;
}

export function createMetrics(config: Config, dataSource: DataSource): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'app_info',
    help: 'Version and environment of the Pet Store API (always 1).',
    labelNames: ['version', 'environment'],
    registers,
  }).set({ version: config.apiVersion, environment: config.environment }, 1);

  // Read at scrape time. better-sqlite3 is one synchronous connection: never waiting, idle between statements.
  const driver = dataSource.driver as unknown as { master?: Pool };
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database connections by state (idle or used).',
    labelNames: ['state'],
    registers,
    collect() {
      const pool = driver.master;
      this.set({ state: 'idle' }, pool ? pool.idleCount : 1);
      this.set({ state: 'used' }, pool ? pool.totalCount - pool.idleCount : 0);
    },
  });
  new Gauge({
    name: 'db_pool_waiting_requests',
    help: 'Queries waiting for a free database connection.',
    registers,
    collect() {
      this.set(driver.master?.waitingCount ?? 0);
    },
  });

  const labelNames = ['method', 'route', 'status_code'] as const;
  return {
    registry,
    requestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template (probes and /metrics excluded).',
      labelNames,
      // OpenTelemetry's advisory buckets for http.server.request.duration.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
      registers,
    }),
    requests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered.', labelNames, registers }),
    serverErrors: new Counter({
      name: 'http_request_errors_total',
      help: 'HTTP requests answered with a 5xx status.',
      labelNames,
      registers,
    }),
    inFlight: new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being served.', registers }),
  };
}

/** GET /metrics in the Prometheus text format (outside /api/v1, so the Ingress never exposes it). */
export function metricsEndpoint({ registry }: Metrics): Middleware<AppState> {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics') {
      await next();
      return;
    }
    ctx.state.route = '/metrics';
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      return;
    }
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  };
}
