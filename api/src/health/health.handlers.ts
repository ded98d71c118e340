import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import type { Handlers } from '../http/openapi-router.ts';
import { HttpProblem } from '../problem.ts';

export const readinessTimeoutMs = 1000;

const notReady = (detail: string) => new HttpProblem(503, detail, { headers: { 'Retry-After': '5' } });

export interface HealthDeps {
  config: Pick<Config, 'apiVersion'>;
  dataSource: DataSource;
  lifecycle: { draining: boolean };
}

/** Liveness and readiness on one path (the seeds probe /api/v1/health), told apart by ?probe=. */
export function healthHandlers({ config, dataSource, lifecycle }: HealthDeps): Handlers {
  return {
    async getHealth(ctx, { query }) {
      const health = { status: 'ok', version: config.apiVersion };
      if (query.probe !== 'ready') {
        ctx.body = health;
        return;
      }
      if (lifecycle.draining) throw notReady('shutting down');
      const abort = new AbortController();
      const ping = dataSource.query('SELECT 1').then(
        () => 'ok' as const,
        () => 'failed' as const,
      );
      const result = await Promise.race([
        ping,
        sleep(readinessTimeoutMs, 'timeout' as const, { signal: abort.signal }),
      ]);
      abort.abort();
      if (result === 'failed') throw notReady('the database does not answer');
      if (result === 'timeout') throw notReady(`the database did not answer within ${readinessTimeoutMs} ms`);
      ctx.body = { ...health, checks: { database: 'ok' } };
    },
  };
}
