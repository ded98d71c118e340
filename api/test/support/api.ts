// The API under test: the real app (createApp) on a real database, listening on a free loopback port. Every response
// a test receives is checked against the OpenAPI document first (conformance.ts).
import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.ts';
import { createApiKeyStore, type ApiKeyStore } from '../../src/auth/api-key-store.ts';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/data-source.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { drain, listen } from '../../src/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import { openApiDocument } from '../../src/openapi/document.ts';
import { conformanceChecker } from './conformance.ts';
import { createTestDatabase, type Engine } from './databases.ts';

export interface TestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, the text otherwise. */
  body: any; // tests inspect bodies freely
}

/** The API key every test API accepts (API_KEYS), sent by `request` unless told otherwise. */
export const testApiKey = 'test-key-0123456789abcdef';

export interface RequestOptions {
  /** The key for the api_key header; defaults to testApiKey, null sends none. */
  apiKey?: string | null;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  config: Config;
  dataSource: DataSource;
  server: Server;
  lifecycle: { draining: boolean };
  apiKeys: ApiKeyStore;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** A request to `path` (relative to /api/v1 unless it starts with /api or /metrics); the response must conform. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** Configuration variables (the database comes from the engine); API_KEYS defaults to testApiKey. */
  env?: Record<string, string>;
  /** A PostgreSQL server other than the shared test server. */
  postgresAdminUrl?: string;
  /** An existing database instead of a new one (migrated if it is not yet); `close()` leaves it in place. */
  database?: DatabaseConfig;
}

/** Starts the API on a new, migrated database of `engine` (or on `database`). */
export async function startTestApi(
  engine: Engine,
  { env = {}, postgresAdminUrl, database: existing }: TestApiOptions = {},
): Promise<TestApi> {
  const database = existing
    ? { config: existing, drop: () => Promise.resolve() }
    : await createTestDatabase(engine, postgresAdminUrl);
  const config = { ...loadConfig({ LOG_LEVEL: 'debug', API_KEYS: testApiKey, ...env }), database: database.config };
  const dataSource = await openDatabase(config.database);
  await runMigrations(dataSource);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(config, {
    write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  const lifecycle = { draining: false };
  const apiKeys = createApiKeyStore(config, logger);
  const server = await listen(createApp({ config, dataSource, logger, lifecycle, apiKeys }).callback(), {
    host: '127.0.0.1',
    port: 0,
  });
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const conforms = conformanceChecker(openApiDocument(config));

  return {
    config,
    dataSource,
    server,
    lifecycle,
    apiKeys,
    origin,
    logs,
    async request(method, path, { json, body, headers = {}, apiKey = testApiKey } = {}) {
      const url = /^\/(api|metrics)/.test(path) ? path : `/api/v1${path}`;
      const response = await fetch(origin + url, {
        method,
        headers: {
          ...(apiKey !== null && { api_key: apiKey }),
          ...(json !== undefined && { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: json === undefined ? body : JSON.stringify(json),
      });
      const text = await response.text();
      const contentType = response.headers.get('Content-Type') ?? '';
      const parsed: unknown = /json/.test(contentType) && text ? JSON.parse(text) : text;
      if (!url.startsWith('/metrics')) {
        const problems = conforms(method, url, response.status, contentType, parsed);
        if (problems.length > 0)
          throw new Error(`response does not conform to the OpenAPI document: ${problems.join('; ')}`);
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await drain(server, { timeoutMs: 1000 });
      apiKeys.close();
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
