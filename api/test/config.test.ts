import { describe, expect, it } from '@jest/globals';
import { defaultSqlitePath, describeDatabase, loadConfig } from '../src/config.ts';

describe('configuration from the environment', () => {
  it('runs on the embedded SQLite file with the seed defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      host: '0.0.0.0',
      port: 8080,
      apiVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      environment: 'development',
      logLevel: 'info',
      paginationLimit: 20,
      corsOrigins: [],
      database: { engine: 'sqlite', file: defaultSqlitePath },
      auth: { keyHashes: [] },
      rateLimit: { requests: 600, windowSeconds: 60 },
      trustedProxies: [],
      passwordHashConcurrency: 2,
      shutdownGraceMs: 5000,
    });
    expect(defaultSqlitePath).toMatch(/\/api\/data\/petstore\.sqlite$/);
  });

  it('reads the seed ConfigMap keys, in the seeds’ upper case too', () => {
    expect(
      loadConfig({
        API_VERSION: '1.4.0',
        ENVIRONMENT: 'Production',
        LOG_LEVEL: 'WARNING',
        PAGINATION_LIMIT: '50',
        CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com:8443',
        PORT: '9000',
        HOST: '127.0.0.1',
        API_KEYS_FILE: '/etc/petstore/api-keys/keys',
      }),
    ).toMatchObject({
      apiVersion: '1.4.0',
      environment: 'production',
      logLevel: 'warn',
      paginationLimit: 50,
      corsOrigins: ['https://shop.example.com', 'https://admin.example.com:8443'],
      port: 9000,
      host: '127.0.0.1',
    });
  });

  it.each([
    [{ DATABASE_URL: 'sqlite::memory:' }, { engine: 'sqlite', file: ':memory:' }],
    [{ DATABASE_URL: 'sqlite:/data/petstore.sqlite' }, { engine: 'sqlite', file: '/data/petstore.sqlite' }],
    [{ DATABASE_URL: 'sqlite:///data/petstore.sqlite' }, { engine: 'sqlite', file: '/data/petstore.sqlite' }],
    [{ SQLITE_PATH: '/var/lib/petstore/db.sqlite' }, { engine: 'sqlite', file: '/var/lib/petstore/db.sqlite' }],
    [
      { DATABASE_URL: 'postgres://app:pw@db:5432/shop' },
      { engine: 'postgres', url: 'postgres://app:pw@db:5432/shop', idleTimeoutMs: 30_000 },
    ],
    [
      { DATABASE_URL: 'postgresql://db/shop?sslmode=require', DB_USER: 'app', DB_PASSWORD: 'p@ss:w/rd' },
      { engine: 'postgres', url: 'postgresql://app:p%40ss%3Aw%2Frd@db/shop?sslmode=require', idleTimeoutMs: 30_000 },
    ],
    [
      { DB_HOST: 'db.internal', DB_NAME: 'shop', DB_USER: 'app', DB_PASSWORD: 'secret' },
      { engine: 'postgres', url: 'postgres://app:secret@db.internal:5432/shop', idleTimeoutMs: 30_000 },
    ],
  ])('picks the database from %j', (env, database) => {
    expect(loadConfig(env).database).toEqual(database);
  });

  it.each([
    [{ PORT: '0' }, 'PORT must be >= 1 (got "0")'],
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")',
    ],
    [{ PAGINATION_LIMIT: '1001' }, 'PAGINATION_LIMIT must be <= 1000 (got "1001")'],
    [
      { CORS_ORIGINS: 'https://shop.example.com/path' },
      'CORS_ORIGINS: "https://shop.example.com/path" is not an origin',
    ],
    [{ DB_USER: 'app' }, 'DB_HOST, DB_NAME must be set when DATABASE_URL is not'],
    [{ DATABASE_URL: 'postgres://' }, 'DATABASE_URL is not a valid postgres://user:password@host:port/name URL'],
    [{ DATABASE_URL: 'mysql://u:hunter2@db/x' }, 'DATABASE_URL must match pattern'],
    [{ TRUSTED_PROXIES: '10.0.0.0/16, 10.1.0.0/33' }, 'TRUSTED_PROXIES: invalid range on address: 10.1.0.0/33'],
    [{ RATE_LIMIT_REQUESTS: '-1' }, 'RATE_LIMIT_REQUESTS must be >= 0 (got "-1")'],
    [{ RATE_LIMIT_WINDOW_SECONDS: 'soon' }, 'RATE_LIMIT_WINDOW_SECONDS must be integer (got "soon")'],
    [{ PASSWORD_HASH_CONCURRENCY: '0' }, 'PASSWORD_HASH_CONCURRENCY must be >= 1 (got "0")'],
    [{ SHUTDOWN_GRACE_SECONDS: '90' }, 'SHUTDOWN_GRACE_SECONDS must be <= 60 (got "90")'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the abuse limits and the trusted proxies', () => {
    expect(
      loadConfig({
        RATE_LIMIT_REQUESTS: '100',
        RATE_LIMIT_WINDOW_SECONDS: '10',
        TRUSTED_PROXIES: '10.0.0.0/16, 10.1.0.0/16',
        PASSWORD_HASH_CONCURRENCY: '1',
        SHUTDOWN_GRACE_SECONDS: '2',
      }),
    ).toMatchObject({
      rateLimit: { requests: 100, windowSeconds: 10 },
      trustedProxies: ['10.0.0.0/16', '10.1.0.0/16'],
      passwordHashConcurrency: 1,
      shutdownGraceMs: 2000,
    });
  });

  it('never echoes the database URL or password in an error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it('describes the database for logs without its password', () => {
    expect(describeDatabase(loadConfig({ DATABASE_URL: 'postgres://app:hunter2@db/shop' }).database)).toBe(
      'postgres://app:***@db/shop',
    );
  });
});
